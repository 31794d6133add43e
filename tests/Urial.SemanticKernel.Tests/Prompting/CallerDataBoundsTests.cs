using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.Tests;

/// <summary>Caller data that recursion or native code would choke on is refused with a clear exception before it gets there.</summary>
public sealed class CallerDataBoundsTests
{
    [Fact]
    public void A_call_whose_arguments_hold_an_object_cycle_is_refused_by_name()
    {
        var cyclic = new Dictionary<string, object?>();
        cyclic["self"] = cyclic;
        ChatMessage[] messages = [new(ChatRole.User, "Hi"), new(ChatRole.Assistant, [new FunctionCallContent("c1", "Notes_Add", new Dictionary<string, object?> { ["note"] = cyclic })])];

        var error = Assert.Throws<ArgumentException>(() => UrialPrompt.Default.Render(messages, tools: null));

        Assert.Contains("cannot be written as JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_nested_ten_thousand_deep_are_refused_not_recursed_into()
    {
        object? nested = "leaf";
        for (var i = 0; i < 10_000; i++)
        {
            nested = new object?[] { nested };
        }

        ChatMessage[] messages = [new(ChatRole.User, "Hi"), new(ChatRole.Assistant, [new FunctionCallContent("c1", "Notes_Add", new Dictionary<string, object?> { ["deep"] = nested })])];

        var error = Assert.Throws<ArgumentException>(() => UrialPrompt.Default.Render(messages, tools: null));

        Assert.Contains("depth", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_tool_result_holding_an_object_cycle_is_refused_by_name()
    {
        var cyclic = new List<object?>();
        cyclic.Add(cyclic);
        ChatMessage[] messages = [new(ChatRole.User, "Hi"), new(ChatRole.Assistant, [new FunctionCallContent("c1", "Notes_Add")]), new(ChatRole.Tool, [new FunctionResultContent("c1", cyclic)])];

        var error = Assert.Throws<ArgumentException>(() => UrialPrompt.Default.Render(messages, tools: null));

        Assert.Contains("A tool result cannot be written as JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prompt_file_larger_than_4_MiB_is_refused_before_it_is_read()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# Query:\n```\nq\n```\n\n# Answer:\n```\na\n```\n" + new string('x', 5 * 1024 * 1024));

            var error = Assert.Throws<InvalidDataException>(() => UrialPrompt.Load(path));

            Assert.Contains("at most 4,194,304", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Stop_sequences_are_bounded_in_number_and_length()
    {
        var many = new GenerationRequest("Once") { StopSequences = [.. Enumerable.Range(0, GenerationRequest.MaxStopSequences + 1).Select(i => $"stop {i}")] };
        var long_ = new GenerationRequest("Once") { StopSequences = [new string('s', GenerationRequest.MaxStopSequenceLength + 1)] };

        Assert.Contains("at most 128 sequences", Assert.Throws<ArgumentException>(many.Validate).Message, StringComparison.Ordinal);
        Assert.Contains("of at most 512 characters", Assert.Throws<ArgumentException>(long_.Validate).Message, StringComparison.Ordinal);
        new GenerationRequest("Once") { StopSequences = [.. Enumerable.Range(0, GenerationRequest.MaxStopSequences).Select(i => $"stop {i}")] }.Validate();
    }
}
