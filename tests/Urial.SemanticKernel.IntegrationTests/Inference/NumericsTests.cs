using System.Text;
using LLama;
using LLama.Batched;
using LLama.Common;

namespace Urial.SemanticKernel;

/// <summary>
/// What llama.cpp computes the same way whatever the batch, measured on raw LLamaSharp objects (no Urial code): the
/// assumption behind every test that compares an answer served from a cache (or a restored prefix) with one evaluated afresh.
/// </summary>
/// <remarks>
/// A sequence's logits do depend on the other sequences decoded in the same batch (llama.cpp's CPU kernels round
/// differently for different batch shapes), which is why no test compares answers across different batch compositions;
/// this test records that difference too, for docs/reliability.md.
/// </remarks>
public sealed class NumericsTests(ModelFixture model)
{
    [Fact]
    public void Prompt_evaluation_is_invariant_to_how_a_prompt_is_split_into_batches_and_varies_with_batch_neighbours()
    {
        var weights = model.Weights;
        var parameters = new ModelParams(TestModel.Path) { GpuLayerCount = 0, ContextSize = 2048, BatchSize = 512, UBatchSize = 512, SeqMax = 16, KVUnified = true, Threads = 1, BatchThreads = 2 };
        var prefix = weights.Tokenize(UrialPrompt.Default.Text, add_bos: true, special: false, Encoding.UTF8)[..1000];
        var prompt = weights.Tokenize("\n# Query:\n```\nTell me a story about a little cat who liked the garden.\n```\n", add_bos: false, special: false, Encoding.UTF8);

        float[] Logits(int split, int neighbours)
        {
            using var executor = new BatchedExecutor(weights, parameters);
            using var sequence = executor.Create();
            for (var start = 0; start < prefix.Length; start += 500)
            {
                sequence.Prompt(prefix.AsSpan(start, Math.Min(500, prefix.Length - start)));
                executor.Infer().GetAwaiter().GetResult();
            }
            if (split > 0)
            {
                sequence.Prompt(prompt.AsSpan(0, split));
                executor.Infer().GetAwaiter().GetResult();
            }

            sequence.Prompt(prompt.AsSpan(split));
            var others = Enumerable.Range(0, neighbours).Select(_ => executor.Create()).ToList();
            foreach (var other in others)
            {
                other.Prompt(prompt.AsSpan(0, 9));
            }

            executor.Infer().GetAwaiter().GetResult();
            var logits = sequence.Sample().ToArray();
            others.ForEach(other => other.Dispose());
            return logits;
        }

        static float MaxDifference(float[] a, float[] b) => a.Zip(b).Max(pair => Math.Abs(pair.First - pair.Second));
        var whole = Logits(0, 0);

        foreach (var split in new[] { 1, prompt.Length / 3, prompt.Length - 2 })
        {
            Assert.Equal(0f, MaxDifference(whole, Logits(split, 0)));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"max |Δlogit| beside 7 neighbours in the batch: {MaxDifference(whole, Logits(0, 7)):G3}");
    }
}
