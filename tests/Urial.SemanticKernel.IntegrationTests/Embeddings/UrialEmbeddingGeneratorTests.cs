using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Embeddings;

/// <summary>Embeddings from the real model, checked against llama.cpp's own embeddings computed elsewhere: LLamaSharp's embedder on a separate context, and the llama-server binary.</summary>
public sealed class UrialEmbeddingGeneratorTests(ModelFixture model, SharedEmbeddingGenerator shared) : IClassFixture<SharedEmbeddingGenerator>
{
    private static readonly string[] s_texts =
    [
        "Once upon a time there was a little cat.",
        "The dog ran to the park to play with a ball.",
        "Lily and Tom baked a cake for their mom.",
        "The sun was hot, so the bird sat in the shade.",
    ];

    private readonly UrialEmbeddingGenerator _generator = shared.Generator;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Identical_texts_get_identical_unit_length_vectors_and_different_texts_do_not()
    {
        var embeddings = await _generator.GenerateAsync([s_texts[0], s_texts[1], s_texts[0]], cancellationToken: Token);
        var alone = await _generator.GenerateAsync([s_texts[0]], cancellationToken: Token);

        Assert.Equal(3, embeddings.Count);
        foreach (var embedding in embeddings.Append(alone[0]))
        {
            Assert.Equal(64, embedding.Vector.Length); // stories260K's embedding width
            Assert.Equal(1.0, Norm(embedding.Vector.Span), 5);
            Assert.Equal("stories260K", embedding.ModelId);
        }

        Assert.True(MaxDifference(embeddings[0].Vector.Span, embeddings[2].Vector.Span) < 1e-5, "the same text twice in one call");
        Assert.True(MaxDifference(embeddings[0].Vector.Span, alone[0].Vector.Span) < 1e-5, "the same text alone in another call");
        Assert.True(Cosine(embeddings[0].Vector.Span, embeddings[1].Vector.Span) < 0.9999, "two different texts");
        Assert.True(embeddings.Usage!.InputTokenCount > 3, "every text's tokens are counted");
    }

    [Fact]
    public async Task Vectors_match_llama_cpps_mean_pooled_embeddings_from_a_separate_context()
    {
        var ours = await _generator.GenerateAsync(s_texts, cancellationToken: Token);

        // The oracle: LLamaSharp's own embedder, a fresh llama.cpp context per text, llama.cpp's mean pooling, its normalisation.
        using var embedder = Embedder(LLamaPoolingType.Mean);
        for (var i = 0; i < s_texts.Length; i++)
        {
            var expected = Assert.Single(await embedder.GetEmbeddings(s_texts[i], Token));
            var cosine = Cosine(expected, ours[i].Vector.Span);
            TestContext.Current.SendDiagnosticMessage($"text {i}: cosine {cosine:F7}, max difference {MaxDifference(expected, ours[i].Vector.Span):E2}");
            Assert.True(cosine > 0.99999, $"text {i}: cosine {cosine}");
            Assert.True(MaxDifference(expected, ours[i].Vector.Span) < 1e-3, $"text {i}");
        }

        // The comparison can tell poolings apart: the last token's vector is not the mean.
        using var lastToken = Embedder(LLamaPoolingType.Last);
        Assert.True(Cosine(Assert.Single(await lastToken.GetEmbeddings(s_texts[0], Token)), ours[0].Vector.Span) < 0.999);
    }

    [Fact]
    public async Task Vectors_match_the_embeddings_llama_server_serves_from_another_llama_cpp_build()
    {
        var ours = await _generator.GenerateAsync(s_texts, cancellationToken: Token);
        await using var server = await LlamaServerEmbeddings.StartAsync(Token);

        var expected = await server.EmbedAsync(s_texts, Token);

        Assert.Equal(s_texts.Length, expected.Length);
        for (var i = 0; i < s_texts.Length; i++)
        {
            var cosine = Cosine(expected[i], ours[i].Vector.Span);
            TestContext.Current.SendDiagnosticMessage($"text {i}: cosine {cosine:F7}, max difference {MaxDifference(expected[i], ours[i].Vector.Span):E2}");
            Assert.Equal(1.0, Norm(expected[i]), 4); // the server normalises too
            Assert.True(cosine > 0.99999, $"text {i}: cosine {cosine}");
            Assert.True(MaxDifference(expected[i], ours[i].Vector.Span) < 1e-4, $"text {i}"); // measured: 2.4e-6
        }
    }

    [Fact]
    public async Task More_texts_than_one_decode_holds_are_packed_in_order_and_equal_the_texts_embedded_alone()
    {
        var texts = Enumerable.Range(0, EmbeddingContext.MaxSequences + 5).Select(i => $"{s_texts[i % s_texts.Length]} Number {i}.").ToList();

        var together = await _generator.GenerateAsync(texts, cancellationToken: Token);

        Assert.Equal(texts.Count, together.Count);
        foreach (var i in new[] { 0, EmbeddingContext.MaxSequences - 1, EmbeddingContext.MaxSequences, texts.Count - 1 })
        {
            var alone = await _generator.GenerateAsync([texts[i]], cancellationToken: Token);
            Assert.True(MaxDifference(alone[0].Vector.Span, together[i].Vector.Span) < 1e-4, $"text {i}");
        }
    }

    [Fact]
    public async Task Reports_its_metadata_and_engine_and_refuses_a_dimension_it_cannot_give()
    {
        await _generator.GenerateAsync(["warm"], cancellationToken: Token);

        var metadata = Assert.IsType<EmbeddingGeneratorMetadata>(_generator.GetService(typeof(EmbeddingGeneratorMetadata)));
        Assert.Equal("urial", metadata.ProviderName);
        Assert.Equal("stories260K", metadata.DefaultModelId);
        Assert.Equal(64, metadata.DefaultModelDimensions);
        Assert.Same(_generator.Engine, _generator.GetService(typeof(IUrialEngine)));
        Assert.Null(_generator.GetService(typeof(UrialEmbeddingGenerator), "key"));
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => _generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { Dimensions = 32 }, Token));
        Assert.Contains("64 dimensions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inputs_are_bounded_before_any_native_call_with_messages_that_say_what_to_fix()
    {
        var tooLong = string.Join(' ', Enumerable.Repeat("cat", 600)); // more tokens than the 512 one text may take
        var farTooLong = new string('a', 512 * 64 + 1);

        var longError = await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(["short", tooLong], cancellationToken: Token));
        var farError = await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync([farTooLong], cancellationToken: Token));
        var nullError = await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(["a", null!], cancellationToken: Token));
        var manyError = await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(Enumerable.Repeat("a", 4097), cancellationToken: Token));

        Assert.Contains("Text 1 to embed has", longError.Message, StringComparison.Ordinal);
        Assert.Contains("at most 512", longError.Message, StringComparison.Ordinal);
        Assert.Contains("MaxEmbeddingTokens", farError.Message, StringComparison.Ordinal);
        Assert.Contains("Text 1 to embed is null", nullError.Message, StringComparison.Ordinal);
        Assert.Contains("the most is 4096", manyError.Message, StringComparison.Ordinal);
        Assert.Empty(await _generator.GenerateAsync([], cancellationToken: Token));
        Assert.Equal(64, (await _generator.GenerateAsync(["still works"], cancellationToken: Token))[0].Vector.Length);
    }

    [Fact]
    public async Task A_canceled_call_throws_and_a_disposed_engine_refuses()
    {
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _generator.GenerateAsync(s_texts, cancellationToken: canceled.Token));

        var owned = UrialEmbeddingGenerator.FromModel(TestModel.Path);
        Assert.Single(await owned.GenerateAsync(["a"], cancellationToken: Token));
        owned.Dispose();
        owned.Dispose(); // once is enough; twice does nothing
        await Assert.ThrowsAsync<ObjectDisposedException>(() => owned.GenerateAsync(["a"], cancellationToken: Token));
    }

    /// <summary>LLamaSharp's embedder over the shared test weights: a fresh llama.cpp context per text, pooled by llama.cpp.</summary>
    private LLamaEmbedder Embedder(LLamaPoolingType pooling) =>
        new(model.Weights, new ModelParams(TestModel.Path) { Embeddings = true, PoolingType = pooling, ContextSize = 512, BatchSize = 512, UBatchSize = 512, GpuLayerCount = 0 });

    internal static double Norm(ReadOnlySpan<float> vector)
    {
        var sum = 0.0;
        foreach (var value in vector)
        {
            sum += (double)value * value;
        }

        return Math.Sqrt(sum);
    }

    internal static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var dot = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
        }

        return dot / (Norm(a) * Norm(b));
    }

    private static double MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }
}

/// <summary>One embedding-only engine for the class (no URIAL prefix is evaluated).</summary>
public sealed class SharedEmbeddingGenerator : IDisposable
{
    public UrialEmbeddingGenerator Generator { get; } = UrialEmbeddingGenerator.FromModel(TestModel.Path);

    public void Dispose() => Generator.Dispose();
}
