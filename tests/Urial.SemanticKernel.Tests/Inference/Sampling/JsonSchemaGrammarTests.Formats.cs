using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace Urial.SemanticKernel;

/// <content>The <c>format</c> grammars match exactly the strings .NET's date types (and JSON Schema validators) accept.</content>
public sealed partial class JsonSchemaGrammarTests
{
    private static readonly string[] s_years = ["0000", "0001", "0004", "0099", "0100", "0400", "1900", "1999", "2000", "2023", "2024", "2100", "9996", "9999"];

    // Found by the property test on the real model: "0000-05-06" was sampled for format "date" (year 0 exists in
    // neither .NET's DateOnly/DateTime nor JSON Schema validators built on them), and nothing stopped "2023-02-30".
    [Fact]
    public void DateFormatAdmitsExactlyTheCalendarDatesOfYears1To9999()
    {
        var date = GbnfRegex(Convert("""{"type":"string","format":"date"}"""));
        foreach (var year in s_years)
        {
            for (var month = 0; month <= 13; month++)
            {
                for (var day = 0; day <= 32; day++)
                {
                    var text = string.Create(CultureInfo.InvariantCulture, $"{year}-{month:00}-{day:00}");
                    var valid = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
                    Assert.True(valid == date.IsMatch("\"" + text + "\""), $"{text}: .NET {(valid ? "accepts" : "rejects")} it, the grammar does not");
                }
            }
        }
    }

    [Fact]
    public void DateTimeFormatAdmitsOnlyDatesAndOffsetsThatDateTimeOffsetHolds()
    {
        var dateTime = GbnfRegex(Convert("""{"type":"string","format":"date-time"}"""));
        Assert.DoesNotMatch(dateTime, "\"2023-02-29T10:00:00Z\"");
        Assert.DoesNotMatch(dateTime, "\"0000-01-01T10:00:00Z\"");
        Assert.Matches(dateTime, "\"2024-02-29T10:00:00.5Z\"");
        foreach (var sign in "+-")
        {
            for (var hours = 0; hours <= 23; hours++)
            {
                foreach (var minutes in (int[])[0, 1, 30, 59])
                {
                    var text = string.Create(CultureInfo.InvariantCulture, $"2024-06-15T10:00:00{sign}{hours:00}:{minutes:00}");
                    var valid = DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
                    Assert.True(valid == dateTime.IsMatch("\"" + text + "\""), $"{text}: .NET {(valid ? "accepts" : "rejects")} it, the grammar does not");
                }
            }
        }
    }

    /// <summary>
    /// Translates a non-recursive GBNF grammar (the subset the converter writes: literals, classes, rule references,
    /// groups, alternation, <c>? * +</c> and <c>{m,n}</c>) into an anchored regular expression for its root rule.
    /// </summary>
    private static Regex GbnfRegex(string gbnf)
    {
        var rules = gbnf.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(" ::= ", 2))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);

        string Translate(string body)
        {
            var regex = new StringBuilder();
            for (var i = 0; i < body.Length;)
            {
                var c = body[i];
                if (c == ' ')
                {
                    i++;
                }
                else if (c == '"')
                {
                    var literal = new StringBuilder();
                    for (i++; body[i] != '"'; i++)
                    {
                        if (body[i] == '\\')
                        {
                            i++;
                            literal.Append(body[i] switch
                            {
                                'n' => "\n",
                                'r' => "\r",
                                't' => "\t",
                                'x' => ((char)int.Parse(body.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString(),
                                var other => other.ToString(),
                            });
                            i += body[i] == 'x' ? 2 : 0;
                        }
                        else
                        {
                            literal.Append(body[i]);
                        }
                    }

                    i++;
                    regex.Append("(?:").Append(Regex.Escape(literal.ToString())).Append(')');
                }
                else if (c == '[')
                {
                    var start = i;
                    for (i++; body[i] != ']'; i++)
                    {
                        i += body[i] == '\\' ? 1 : 0;
                    }

                    i++;
                    regex.Append(body, start, i - start);
                }
                else if (c == '{')
                {
                    var end = body.IndexOf('}', i);
                    regex.Append(body, i, end + 1 - i);
                    i = end + 1;
                }
                else if (char.IsAsciiLetterOrDigit(c))
                {
                    var start = i;
                    while (i < body.Length && (char.IsAsciiLetterOrDigit(body[i]) || body[i] == '-'))
                    {
                        i++;
                    }

                    regex.Append("(?:").Append(Translate(rules[body[start..i]])).Append(')');
                }
                else
                {
                    regex.Append(c == '(' ? "(?:" : c.ToString());
                    i++;
                }
            }

            return regex.ToString();
        }

        return new Regex("^(?:" + Translate(rules["root"]) + ")$", RegexOptions.CultureInvariant);
    }
}
