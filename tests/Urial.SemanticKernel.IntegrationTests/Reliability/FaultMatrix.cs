using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Reliability;

/// <summary>One fault: what is done wrong, and the assertion on the exception type and on the message saying what to fix.</summary>
/// <param name="Name">The row of the fault matrix in docs/reliability.md.</param>
/// <param name="Run">Provokes the fault and asserts the outcome.</param>
/// <param name="CoveredBy">The existing test that already covers this row on its own, if any: the row then only runs in <see cref="ProcessSurvivalTests"/>.</param>
public sealed record FaultScenario(string Name, Func<FaultContext, Task> Run, string? CoveredBy = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// What the faults run against: one warm chat client over a small context (the URIAL prefix plus 1,024 tokens, so that
/// overflowing conversations are cheap), and a scratch folder for broken model files.
/// </summary>
public sealed class FaultContext : IAsyncLifetime
{
    /// <summary>The context beyond the URIAL prefix.</summary>
    public const int Room = 1024;

    private readonly string _directory = Directory.CreateTempSubdirectory("urial-faults-").FullName;

    public FaultContext()
    {
        using var weights = LLama.LLamaWeights.LoadFromFile(new LLama.Common.ModelParams(TestModel.Path) { GpuLayerCount = 0, ContextSize = 64 });
        PrefixTokens = weights.Tokenize(UrialPrompt.Default.Text, add_bos: true, special: false, Encoding.UTF8).Length;
        Client = UrialChatClient.FromModel(TestModel.Path, configure: o => o.ContextSize = PrefixTokens + Room);
    }

    public UrialChatClient Client { get; }

    public UrialEngine Engine => (UrialEngine)Client.Engine;

    /// <summary>Gets the tokens of the default URIAL prompt with this model's tokenizer (with BOS).</summary>
    public int PrefixTokens { get; }

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public string PathOf(string name) => Path.Combine(_directory, name);

    public ValueTask InitializeAsync() => new(Client.Engine.WarmUpAsync());

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>The fault matrix: every row of docs/reliability.md that a test provokes.</summary>
public static class FaultMatrix
{
    private static readonly ChatOptions s_endless = new() { MaxOutputTokens = 600, AdditionalProperties = new() { ["repeat_penalty"] = 1.0 } };
    private static readonly ChatOptions s_endlessJson = new() { MaxOutputTokens = 600, ResponseFormat = ChatResponseFormat.Json };

    public static IReadOnlyList<FaultScenario> All { get; } =
    [
        // Loading.
        new("load: missing model file", async c => Contains(await FailToLoad(c.PathOf("nope.gguf")), typeof(FileNotFoundException), "nope.gguf", "ModelPath"), "BadInputTests.A_missing_model_file_is_named"),
        new("load: a directory", async c => Contains(await FailToLoad(c.PathOf(string.Empty)), typeof(InvalidDataException), "is a directory"), "BadInputTests.A_directory_is_not_a_model"),
        new("load: an empty file", async c => Contains(await FailToLoad(Write(c, "empty.gguf", [])), typeof(InvalidDataException), "empty", "ModelPath"), "BadInputTests.An_empty_or_random_file_is_not_gguf"),
        new("load: random bytes", async c => Contains(await FailToLoad(Write(c, "random.gguf", RandomBytes(4096, 1))), typeof(InvalidDataException), "not a GGUF file", "ModelPath"), "BadInputTests.An_empty_or_random_file_is_not_gguf"),
        new("load: GGUF magic then random bytes", async c => Contains(await FailToLoad(Write(c, "magic.gguf", [.. "GGUF"u8, .. RandomBytes(4096, 2)])), typeof(InvalidDataException), "corrupt, truncated", "Re-download")),
        new("load: GGUF header only (8 bytes)", async c => Contains(await FailToLoad(Write(c, "header.gguf", File.ReadAllBytes(TestModel.Path)[..8])), typeof(InvalidDataException), "corrupt, truncated")),
        new("load: truncated after 4 KiB", async c => Contains(await FailToLoad(Write(c, "truncated4k.gguf", File.ReadAllBytes(TestModel.Path)[..4096])), typeof(InvalidDataException), "corrupt, truncated"), "BadInputTests.A_truncated_gguf_is_reported_as_corrupt"),
        new("load: truncated at half the file", async c =>
        {
            var bytes = File.ReadAllBytes(TestModel.Path);
            Contains(await FailToLoad(Write(c, "half.gguf", bytes[..(bytes.Length / 2)])), typeof(InvalidDataException), "corrupt, truncated");
        }),
        new("load: truncated by one byte", async c =>
        {
            var bytes = File.ReadAllBytes(TestModel.Path);
            Contains(await FailToLoad(Write(c, "short.gguf", bytes[..^1])), typeof(InvalidDataException), "corrupt, truncated");
        }),
        new("load: context too small for the URIAL prefix, by one token", async c =>
        {
            var minimum = c.PrefixTokens + 32;
            await using var client = UrialChatClient.FromModel(TestModel.Path, configure: o => o.ContextSize = minimum - 1);
            var error = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("Hi", cancellationToken: FaultContext.Token));
            Assert.Contains($"ContextSize {minimum - 1}", error.Message, StringComparison.Ordinal);
            Assert.Contains($"at least {minimum}", error.Message, StringComparison.Ordinal);
        }),
        new("load: prompt file that is not UTF-8", c =>
        {
            var error = Assert.Throws<InvalidDataException>(() => UrialPrompt.Load(Write(c, "prompt.txt", [0x23, 0x20, 0xFF, 0xFE, 0x0A])));
            Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
            return Task.CompletedTask;
        }),

        // The context.
        new("context: conversation longer than the context (default policy)", async c =>
        {
            var error = await Assert.ThrowsAsync<UrialContextLengthExceededException>(() => c.Client.GetResponseAsync(LongConversation(c), cancellationToken: FaultContext.Token));
            Assert.Contains("Shorten the conversation or raise ContextSize", error.Message, StringComparison.Ordinal);
        }),
        new("context: conversation longer than the context (context_overflow = error)", async c =>
        {
            var options = new ChatOptions { AdditionalProperties = new() { [UrialChatClient.ContextOverflowKey] = UrialContextOverflow.Error } };
            var error = await Assert.ThrowsAsync<UrialContextLengthExceededException>(() => c.Client.GetResponseAsync(LongConversation(c), options, FaultContext.Token));
            Assert.Contains("ContextSize", error.Message, StringComparison.Ordinal);
        }),
        new("context: conversation longer than the context (context_overflow = drop_oldest_turns)", async c =>
        {
            var options = new ChatOptions { MaxOutputTokens = 16, AdditionalProperties = new() { [UrialChatClient.ContextOverflowKey] = UrialContextOverflow.DropOldestTurns } };
            var conversation = LongConversation(c);
            var updates = await c.Client.GetStreamingResponseAsync(conversation, options, FaultContext.Token).ToListAsync(FaultContext.Token);
            var response = updates.ToChatResponse();
            Assert.NotNull(response.FinishReason);
            var final = Assert.Single(updates, u => u.FinishReason is not null);
            var dropped = Assert.IsType<int>(final.AdditionalProperties?[UrialChatClient.DroppedMessagesKey]);
            Assert.Equal(dropped, (response.AdditionalProperties ?? response.Messages[^1].AdditionalProperties)?[UrialChatClient.DroppedMessagesKey]);
            Assert.InRange(dropped, 2, conversation.Count - 2);
            Assert.Equal(0, dropped % 2); // whole exchanges: a user message and its answer
            Assert.InRange(response.Usage!.InputTokenCount!.Value, c.PrefixTokens, c.PrefixTokens + FaultContext.Room - 16);
        }),
        new("context: last user message alone longer than the context (drop_oldest_turns)", async c =>
        {
            var options = new ChatOptions { AdditionalProperties = new() { [UrialChatClient.ContextOverflowKey] = UrialContextOverflow.DropOldestTurns } };
            List<ChatMessage> conversation = [new(ChatRole.User, "Hi"), new(ChatRole.Assistant, "Hello!"), new(ChatRole.User, Story(FaultContext.Room))];
            var error = await Assert.ThrowsAsync<UrialContextLengthExceededException>(() => c.Client.GetResponseAsync(conversation, options, FaultContext.Token));
            Assert.Contains("Shorten the last message", error.Message, StringComparison.Ordinal);
        }),
        new("context: unknown context_overflow value", async c =>
        {
            var options = new ChatOptions { AdditionalProperties = new() { [UrialChatClient.ContextOverflowKey] = "truncate" } };
            var error = await Assert.ThrowsAsync<ArgumentException>(() => c.Client.GetResponseAsync("Hi", options, FaultContext.Token));
            Assert.Contains("context_overflow", error.Message, StringComparison.Ordinal);
            Assert.Contains("drop_oldest_turns", error.Message, StringComparison.Ordinal);
        }),
        new("context: output budget larger than the room left", async c =>
        {
            var error = await Assert.ThrowsAsync<UrialContextLengthExceededException>(() => c.Client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = c.Engine.ContextSize }, FaultContext.Token));
            Assert.Contains("Lower MaxOutputTokens to at most", error.Message, StringComparison.Ordinal);
        }),

        new("context: 50 MB of text is refused before it is tokenized", async c =>
        {
            var error = await Assert.ThrowsAsync<UrialContextLengthExceededException>(() => Drain(c.Engine, new GenerationRequest(new string('a', 50_000_000))));
            Assert.Contains("it was not tokenized", error.Message, StringComparison.Ordinal);
            var counting = await Assert.ThrowsAsync<UrialContextLengthExceededException>(async () => await c.Engine.CountTokensAsync(new string('a', 50_000_000), FaultContext.Token));
            Assert.Contains("Shorten it or raise ContextSize", counting.Message, StringComparison.Ordinal);
        }),

        // Sampling values.
        Sampling("sampling: negative temperature", new() { Temperature = -0.5f }, "Temperature"),
        Sampling("sampling: NaN temperature", new() { Temperature = float.NaN }, "Temperature"),
        Sampling("sampling: temperature above 2", new() { Temperature = 2.5f }, "Temperature"),
        Sampling("sampling: top-p 0", new() { TopP = 0f }, "TopP", "UrialChatClientTests.Invalid_sampling_values_get_a_clear_exception"),
        Sampling("sampling: top-p above 1", new() { TopP = 1.5f }, "TopP"),
        Sampling("sampling: NaN top-p", new() { TopP = float.NaN }, "TopP"),
        Sampling("sampling: negative top-k", new() { TopK = -1 }, "TopK"),
        Sampling("sampling: max tokens 0", new() { MaxOutputTokens = 0 }, "MaxOutputTokens", "UrialChatClientTests.Invalid_sampling_values_get_a_clear_exception"),
        Sampling("sampling: negative max tokens", new() { MaxOutputTokens = -5 }, "MaxOutputTokens"),
        Sampling("sampling: negative seed", new() { Seed = -1 }, "Seed"),
        Sampling("sampling: frequency penalty above 2", new() { FrequencyPenalty = 3f }, "FrequencyPenalty"),
        Sampling("sampling: NaN repeat_penalty", new() { AdditionalProperties = new() { ["repeat_penalty"] = double.NaN } }, "AdditionalProperties[\"repeat_penalty\"]"),
        Sampling("sampling: min_p that is not a number", new() { AdditionalProperties = new() { ["min_p"] = "lots" } }, "min_p"),
        Sampling("sampling: penalty_window too large", new() { AdditionalProperties = new() { ["penalty_window"] = 100_000 } }, "AdditionalProperties[\"penalty_window\"]"),
        Sampling("sampling: an empty stop sequence", new() { StopSequences = [string.Empty] }, "StopSequences"),
        Sampling("sampling: 500 stop sequences", new() { StopSequences = [.. Enumerable.Range(0, 500).Select(i => $"stop {i}")] }, "ChatOptions.StopSequences"),
        Sampling("sampling: a stop sequence of 10,000 characters", new() { StopSequences = [new string('s', 10_000)] }, "ChatOptions.StopSequences"),
        Sampling("sampling: negative json_max_string_length", new() { ResponseFormat = ChatResponseFormat.Json, AdditionalProperties = new() { ["json_max_string_length"] = -1 } }, "json_max_string_length"),

        // Grammars and schemas.
        new("grammar: unterminated character class", async c =>
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => Drain(c.Engine, new GenerationRequest("Once") { Grammar = new GenerationGrammar("root ::= [a-z") }));
            Assert.Contains("grammar", error.Message, StringComparison.OrdinalIgnoreCase);
        }),
        new("grammar: rule name with an underscore", async c =>
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => Drain(c.Engine, new GenerationRequest("Once") { Grammar = new GenerationGrammar("root ::= my_rule\nmy_rule ::= \"a\"") }));
            Assert.Contains("grammar", error.Message, StringComparison.OrdinalIgnoreCase);
        }),
        Grammar("grammar: 20,000 nested groups (overflowed llama.cpp's parser: process killed)",
            "root ::= " + new string('(', 20_000) + "\"a\"" + new string(')', 20_000), $"nested more than {GbnfLimits.MaxNestingDepth} deep"),
        Grammar("grammar: a repetition {5,2} (llama.cpp loops about 2^64 times)", "root ::= \"a\"{5,2}", "maximum below its minimum"),
        Grammar("grammar: 25 rules each offering the next twice (llama.cpp's left-recursion check: 2^25 visits)", SharedChain(25), "left-recursion check would visit about"),
        Grammar("grammar: left recursion through rules that match nothing (llama.cpp expands it until memory runs out)",
            "root ::= item \"x\" | \"y\"\nitem ::= empty root\nempty ::= () ()", "through rules that may match nothing"),
        Grammar("grammar: a chain of 20,000 rules (100,000 overflowed llama.cpp's left-recursion check: process killed)", LeftChain(20_000), $"more than {GbnfLimits.MaxRules} rules"),
        Grammar("grammar: 600 KB of text", "root ::= \"" + new string('a', 600_000) + "\"", $"more than {GbnfLimits.MaxLength}"),
        new("grammar: empty trigger", async c =>
        {
            var error = Assert.Throws<ArgumentException>(() => new GenerationGrammar("root ::= \"a\"") { Trigger = string.Empty });
            Assert.Contains("Trigger", error.Message, StringComparison.Ordinal);
            await Task.CompletedTask;
        }),
        new("schema: a 5,000-link $ref chain", async c =>
        {
            var defs = string.Join(",", Enumerable.Range(0, 5000).Select(i => $"\"a{i}\":{{\"$ref\":\"#/$defs/a{i + 1}\"}}"));
            var schema = JsonDocument.Parse("{\"$ref\":\"#/$defs/a0\",\"$defs\":{" + defs + ",\"a5000\":{\"type\":\"boolean\"}}}").RootElement;
            var error = await Assert.ThrowsAsync<ArgumentException>(() => c.Client.GetResponseAsync("Hi", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) }, FaultContext.Token));
            Assert.Contains("MaxRefChain", error.Message, StringComparison.Ordinal);
        }),

        // Messages.
        new("messages: a null message", async c =>
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => c.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi"), null!], cancellationToken: FaultContext.Token));
            Assert.Contains("null message", error.Message, StringComparison.Ordinal);
        }),
        new("messages: no user message", async c =>
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => c.Client.GetResponseAsync([new ChatMessage(ChatRole.Assistant, "Hello")], cancellationToken: FaultContext.Token));
            Assert.Contains("user message", error.Message, StringComparison.Ordinal);
        }, "UrialChatClientTests.A_conversation_without_a_user_message_is_rejected"),

        // Lifetime.
        new("dispose: every entry point after dispose", async c =>
        {
            var client = UrialChatClient.FromModel(TestModel.Path, configure: o => o.CachedPrefix = null);
            await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 2 }, FaultContext.Token);
            var engine = (UrialEngine)client.Engine;
            await client.DisposeAsync();
            await client.DisposeAsync(); // twice is harmless
            client.Dispose();

            await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync("Hi", cancellationToken: FaultContext.Token));
            await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
            {
                await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: FaultContext.Token))
                {
                }
            });
            await Assert.ThrowsAsync<ObjectDisposedException>(() => engine.WarmUpAsync(FaultContext.Token));
            await Assert.ThrowsAsync<ObjectDisposedException>(async () => await engine.CountTokensAsync("Hi", FaultContext.Token));
            var borrowed = new UrialChatClient(engine);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => borrowed.GetResponseAsync("Hi", cancellationToken: FaultContext.Token));
        }),
        new("dispose: an engine that never loaded", async _ =>
        {
            var client = UrialChatClient.FromModel(TestModel.Path);
            await client.DisposeAsync().FailIfHung("disposing an engine that never loaded");
            await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync("Hi", cancellationToken: FaultContext.Token));
        }),

        // Cancellation: each at a point the engine's own state shows (its step reports), never after some time.
        new("cancel: before the request starts", async c =>
        {
            using var canceled = new CancellationTokenSource();
            await canceled.CancelAsync();
            var stepsWithARequest = 0; // a request that started would be running after some step
            c.Engine.StepObserver = report =>
            {
                if (report.Running.Count + report.Waiting > 0)
                {
                    Interlocked.Increment(ref stepsWithARequest);
                }

                return ValueTask.CompletedTask;
            };
            try
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => c.Client.GetResponseAsync("Hi", cancellationToken: canceled.Token));
                await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
                {
                    await foreach (var update in c.Client.GetStreamingResponseAsync("Hi", cancellationToken: canceled.Token))
                    {
                    }
                });
                await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
                {
                    await foreach (var update in c.Engine.GenerateAsync(new GenerationRequest("Once"), canceled.Token))
                    {
                    }
                });
            }
            finally
            {
                c.Engine.StepObserver = null;
            }

            Assert.Equal(0, stepsWithARequest);
        }),
        new("cancel: during prefill of a long prompt", async _ =>
        {
            // Without a cached prefix every request prefills the whole URIAL prompt (thousands of tokens), in chunks of 64.
            // The request is canceled on the loop right after the first step that evaluated part of its prompt.
            await using var client = UrialChatClient.FromModel(TestModel.Path, configure: o => { o.CachedPrefix = null; o.BatchSize = 64; });
            var engine = (UrialEngine)client.Engine;
            await engine.WarmUpAsync(FaultContext.Token);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(FaultContext.Token);
            var seen = new ConcurrentQueue<RequestProgress>();
            engine.StepObserver = report =>
            {
                foreach (var request in report.Running.Where(r => r.CancellationToken == cts.Token))
                {
                    seen.Enqueue(request);
                    cts.Cancel(); // between two steps: the next one must drop the request
                }

                return ValueTask.CompletedTask;
            };
            var updates = 0;
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var update in client.GetStreamingResponseAsync("Tell me a story.", cancellationToken: cts.Token))
                {
                    updates++;
                }
            });

            var after = await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 3 }, FaultContext.Token);
            engine.StepObserver = null;
            Assert.NotNull(after.FinishReason);
            Assert.Equal(0, updates);
            var canceledAt = Assert.Single(seen); // running after one step, gone after the next
            Assert.Equal(0, canceledAt.OutputTokens); // nothing sampled: canceled during prefill
            Assert.InRange(canceledAt.EvaluatedTokens, 1, canceledAt.PromptTokens - 1);
        }),
        new("cancel: during decoding (streaming, and a non-streaming request)", async c =>
        {
            // Streaming: the caller has the first token's text and cancels; the loop is held right after that token's step.
            // The JSON format makes that first token's text an update at once (no stop sequence can hold it back).
            using var streamed = CancellationTokenSource.CreateLinkedTokenSource(FaultContext.Token);
            await using var stream = c.Client.GetStreamingResponseAsync("Tell me a story.", s_endlessJson, streamed.Token).GetAsyncEnumerator(streamed.Token);
            using (var gate = new LoopGate(c.Engine))
            {
                var decoding = gate.HoldWhenAsync(report => report.Running.Any(r => r.CancellationToken == streamed.Token && r.OutputTokens > 0));
                Assert.True(await stream.MoveNextAsync().FailIfHung("the first update"));
                await decoding;
                await streamed.CancelAsync();
                await DroppedAtTheNextStep(gate, streamed.Token);
            }

            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                while (await stream.MoveNextAsync())
                {
                }
            });

            // Non-streaming: canceled while the loop is held after its first sampled token.
            using var whole = CancellationTokenSource.CreateLinkedTokenSource(FaultContext.Token);
            Task<ChatResponse> response;
            using (var gate = new LoopGate(c.Engine))
            {
                var decoding = gate.HoldWhenAsync(report => report.Running.Any(r => r.CancellationToken == whole.Token && r.OutputTokens > 0));
                response = c.Client.GetResponseAsync("Tell me a story.", s_endless, whole.Token);
                await decoding;
                await whole.CancelAsync();
                await DroppedAtTheNextStep(gate, whole.Token);
            }

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => response.FailIfHung("the canceled request"));
        }),
        new("cancel: abandoning a stream (break out of await foreach)", async c =>
        {
            await foreach (var update in c.Client.GetStreamingResponseAsync("Tell me a story.", s_endless, FaultContext.Token))
            {
                break;
            }

            var after = await c.Client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 3 }, FaultContext.Token);
            Assert.NotNull(after.FinishReason);
        }),
    ];

    public static IEnumerable<TheoryDataRow<string>> Uncovered => All.Where(s => s.CoveredBy is null).Select(s => new TheoryDataRow<string>(s.Name));

    public static FaultScenario Named(string name) => All.Single(s => s.Name == name);

    /// <summary>A conversation of 60 exchanges: far more than the <see cref="FaultContext.Room"/> tokens after the prefix.</summary>
    public static List<ChatMessage> LongConversation(FaultContext context)
    {
        List<ChatMessage> conversation = [new(ChatRole.System, "Be kind.")];
        for (var i = 0; i < 60; i++)
        {
            conversation.Add(new ChatMessage(ChatRole.User, $"Tell me about the cat number {i}."));
            conversation.Add(new ChatMessage(ChatRole.Assistant, $"The cat number {i} was happy and played in the sun all day long."));
        }

        conversation.Add(new ChatMessage(ChatRole.User, "Which cat was the happiest?"));
        return conversation;
    }

    private static FaultScenario Sampling(string name, ChatOptions options, string named, string? coveredBy = null) => new(name, async c =>
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => c.Client.GetResponseAsync("Hi", options, FaultContext.Token));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }, coveredBy);

    private static FaultScenario Grammar(string name, string gbnf, string named) => new(name, async c =>
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Drain(c.Engine, new GenerationRequest("Once") { Grammar = new GenerationGrammar(gbnf) }));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Equal("Grammar", error.ParamName);
    });

    /// <summary><c>r(i) ::= r(i+1) | r(i+1) "x"</c>: shared rules that llama.cpp's left-recursion check visits once per path.</summary>
    private static string SharedChain(int length)
    {
        var gbnf = new StringBuilder("root ::= r0\n");
        for (var i = 0; i < length; i++)
        {
            gbnf.Append(System.Globalization.CultureInfo.InvariantCulture, $"r{i} ::= r{i + 1} | r{i + 1} \"x\"\n");
        }

        return gbnf.Append(System.Globalization.CultureInfo.InvariantCulture, $"r{length} ::= \"a\"\n").ToString();
    }

    /// <summary><c>r(i) ::= r(i+1)</c>: one rule starting with the next, <paramref name="length"/> deep.</summary>
    private static string LeftChain(int length)
    {
        var gbnf = new StringBuilder("root ::= r0\n");
        for (var i = 0; i < length; i++)
        {
            gbnf.Append(System.Globalization.CultureInfo.InvariantCulture, $"r{i} ::= r{i + 1}\n");
        }

        return gbnf.Append(System.Globalization.CultureInfo.InvariantCulture, $"r{length} ::= \"a\"\n").ToString();
    }

    private static string Story(int sentences) => string.Concat(Enumerable.Range(0, sentences).Select(i => $"Sentence {i} of a long story. "));

    private static async Task<Exception> FailToLoad(string modelPath)
    {
        await using var client = UrialChatClient.FromModel(modelPath);
        return await Assert.ThrowsAnyAsync<Exception>(() => client.GetResponseAsync("Hi", cancellationToken: FaultContext.Token));
    }

    private static void Contains(Exception error, Type type, params string[] fragments)
    {
        Assert.IsType(type, error);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        }
    }

    private static string Write(FaultContext context, string name, byte[] bytes)
    {
        var path = context.PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Lets the held loop take exactly one more step and checks that this step dropped the canceled request.</summary>
    private static async Task DroppedAtTheNextStep(LoopGate gate, CancellationToken canceled)
    {
        var next = await gate.HoldWhenAsync(_ => true);
        Assert.DoesNotContain(next.Running, r => r.CancellationToken == canceled);
    }

    private static async Task Drain(IUrialEngine engine, GenerationRequest request)
    {
        await foreach (var update in engine.GenerateAsync(request, FaultContext.Token))
        {
        }
    }
}
