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

    [Theory]
    [InlineData("I recommend C#")]
    [InlineData("Use F#")]
    [InlineData("Press #")]
    [InlineData("Done.\n```")]
    public void A_held_tail_that_never_became_a_stop_is_released_at_the_end(string text)
    {
        var matcher = new StopSequenceMatcher(["# Query", "\n# Query", "\n```\n\n# Query"]);
        var released = matcher.Append(text);
        Assert.True(released.Length < text.Length, "part of the text is held: it could still begin a stop");
        Assert.Equal(text, released + matcher.Finish());
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
    public void Releases_exactly_the_text_before_the_earliest_stop_or_all_of_it_however_the_text_is_split()
    {
        // The definition: the output is the text up to the earliest occurrence of any stop sequence, or the whole text;
        // while streaming, what is released is always a prefix of that output.
        var alphabet = Gen.OneOf("a", "#", " ", "\n", "`", "Q", "Query", "```", "\n\n", "\uD83D\uDE00", "é");
        var stops = Gen.OneOf("# Query", "\n```\n\n#", "``", "aa", "\n\n# User", "Q", "\uDE00a").Array[1, 3];
        var cases = Gen.Select(alphabet.Array[0, 30], Gen.Int[1, 5].Array[1, 30], stops);
        PropertyRun.Check(
            cases,
            sample =>
            {
                var (parts, cuts, stopSequences) = sample;
                var text = string.Concat(parts);
                var earliest = stopSequences.Select(stop => text.IndexOf(stop, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
                var expected = earliest >= 0 ? text[..earliest] : text;

                var matcher = new StopSequenceMatcher(stopSequences);
                var released = new StringBuilder();
                var position = 0;
                foreach (var cut in cuts.Append(int.MaxValue))
                {
                    var length = Math.Min(cut, text.Length - position);
                    released.Append(matcher.Append(text.Substring(position, length)));
                    position += length;
                    Assert.StartsWith(released.ToString(), expected, StringComparison.Ordinal);
                }

                if (!matcher.Stopped)
                {
                    released.Append(matcher.Finish()); // a stop may complete only behind a partial one that started earlier
                }

                Assert.Equal(expected, released.ToString());
                Assert.Equal(earliest >= 0, matcher.Stopped);
            },
            cases: 5000,
            seed: 5101,
            describe: sample => System.Text.Json.JsonSerializer.Serialize(new { text = string.Concat(sample.Item1), cuts = sample.Item2, stops = sample.Item3 }));
    }
}
