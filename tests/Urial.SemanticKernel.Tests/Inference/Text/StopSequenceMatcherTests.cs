using System.Text;
using CsCheck;

namespace Urial.SemanticKernel.Tests.Inference.Text;

public class StopSequenceMatcherTests
{
    [Fact]
    public void A_stop_split_across_pieces_is_cut_and_never_released()
    {
        var matcher = new StopSequenceMatcher(["\n```\n\n# Query"]);
        var released = matcher.Append("Hello!\n``") + matcher.Append("`\n\n#") + matcher.Append(" Query:\nmore");

        Assert.Equal("Hello!", released);
        Assert.True(matcher.Stopped);
        Assert.Equal(string.Empty, matcher.Append("anything"));
    }

    [Fact]
    public void Text_that_turns_out_not_to_be_a_stop_is_released()
    {
        var matcher = new StopSequenceMatcher(["\n```\n\n# Query"]);
        Assert.Equal("Code:", matcher.Append("Code:\n```"));
        Assert.Equal("\n```python", matcher.Append("python"));
        Assert.False(matcher.Stopped);
    }

    [Fact]
    public void The_earliest_of_several_stops_wins()
    {
        var matcher = new StopSequenceMatcher(["# Query", "\n\n# Query", "END"]);
        Assert.Equal("a", matcher.Append("a\n\n# Query END"));
    }

    [Fact]
    public void A_held_tail_that_never_became_a_stop_is_dropped_at_the_end()
    {
        var matcher = new StopSequenceMatcher(["\n```\n\n# Query"]);
        Assert.Equal("Done.", matcher.Append("Done.\n```"));
        Assert.Equal(string.Empty, matcher.Finish());
    }

    [Fact]
    public void A_surrogate_pair_is_never_split()
    {
        var matcher = new StopSequenceMatcher(["\uDE00X"]);
        var released = matcher.Append("a\uD83D");
        Assert.Equal("a", released);
        Assert.Equal("\uD83D\uDE00b", matcher.Append("\uDE00b"));
    }

    [Fact]
    public void Releases_exactly_the_text_before_the_first_stop_however_the_text_is_split()
    {
        var alphabet = Gen.OneOf("a", "#", " ", "\n", "`", "Q", "Query", "```", "\n\n");
        Gen.Select(alphabet.Array[0, 30], Gen.Int[1, 5].Array[1, 30], Gen.OneOf("# Query", "\n```\n\n#", "``", "aa"))
            .Sample((parts, cuts, stop) =>
            {
                var text = string.Concat(parts);
                var matcher = new StopSequenceMatcher([stop]);
                var released = new StringBuilder();
                var position = 0;
                foreach (var cut in cuts.Append(int.MaxValue))
                {
                    var length = Math.Min(cut, text.Length - position);
                    released.Append(matcher.Append(text.Substring(position, length)));
                    position += length;
                }

                if (!matcher.Stopped)
                {
                    released.Append(matcher.Finish());
                }

                var index = text.IndexOf(stop, StringComparison.Ordinal);
                var expected = index >= 0 ? text[..index] : Unheld(text, stop);
                return released.ToString() == expected;
            });
    }

    // Without a match, everything is released except a tail that is a proper prefix of the stop.
    private static string Unheld(string text, string stop)
    {
        for (var length = Math.Min(stop.Length - 1, text.Length); length > 0; length--)
        {
            if (text.EndsWith(stop[..length], StringComparison.Ordinal))
            {
                return text[..^length];
            }
        }

        return text;
    }
}
