using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.Tests;

public sealed class ContextOverflowPolicyTests
{
    public static TheoryData<object?, bool> Values => new()
    {
        { null, false },
        { "error", false },
        { "Error", false },
        { "drop_oldest_turns", true },
        { "DROP_OLDEST_TURNS", true },
        { JsonSerializer.SerializeToElement("drop_oldest_turns"), true },
        { JsonSerializer.SerializeToElement("error"), false },
        { UrialContextOverflow.DropOldestTurns, true },
        { UrialContextOverflow.Error, false },
        { "DropOldestTurns", true },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void The_policy_is_read_from_the_enum_or_a_name_as_a_string_or_a_json_string_in_any_case(object? value, bool drops)
    {
        var options = new ChatOptions { AdditionalProperties = new() { [UrialChatClient.ContextOverflowKey] = value } };

        Assert.Equal(drops, ContextOverflowPolicy.DropsOldestTurns(options));
    }

    [Fact]
    public void No_options_or_no_key_is_the_error_policy()
    {
        Assert.False(ContextOverflowPolicy.DropsOldestTurns(null));
        Assert.False(ContextOverflowPolicy.DropsOldestTurns(new ChatOptions()));
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("")]
    [InlineData(42)]
    [InlineData(true)]
    [InlineData("1")]
    [InlineData((UrialContextOverflow)7)]
    public void Any_other_value_names_the_key_and_the_valid_values(object value)
    {
        var options = new ChatOptions { AdditionalProperties = new() { [UrialChatClient.ContextOverflowKey] = value } };

        var error = Assert.Throws<ArgumentException>(() => ContextOverflowPolicy.DropsOldestTurns(options));

        Assert.Contains("context_overflow", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"error\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"drop_oldest_turns\"", error.Message, StringComparison.Ordinal);
    }
}
