using System.Text;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Native;
using Xunit;

namespace Urial.SemanticKernel;

/// <summary>
/// The engine's sampling (penalties and greedy choice in managed code, the native chain for the rest) against a raw
/// loop whose every step is llama.cpp's own sampler chain: penalties fed the prompt's last tokens, then the rest.
/// </summary>
public sealed class TokenSamplerTests(ModelFixture model)
{
    private const string Prompt = "Once upon a time, there was a little dog named Max. Max liked to";
    private const int MaxTokens = 80;

    public static TheoryData<float, float, float, int> Settings() => new()
    {
        // temperature (0 = greedy), repetition, frequency, window
        { 0f, 1.1f, 0f, 64 }, // the engine's default sampling
        { 0f, 1.5f, 0.2f, 16 },
        { 0.9f, 1.2f, 0f, 64 },
        { 0.9f, 1f, 0f, 64 },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task Engine_output_equals_llama_cpp_sampler_chain(float temperature, float repetition, float frequency, int window)
    {
        var sampling = new SamplingParameters
        {
            Temperature = temperature, TopK = temperature > 0 ? 40 : 0, TopP = temperature > 0 ? 0.95f : 1f, MinP = temperature > 0 ? 0.05f : 0f,
            RepetitionPenalty = repetition, FrequencyPenalty = frequency, PenaltyWindow = window, Seed = 1234,
        };
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path });
        var ours = await EngineAsync(engine, sampling);
        var reference = await ReferenceAsync(sampling);

        Assert.Equal(reference.Tokens, ours.Tokens);
        Assert.Equal(reference.Text, ours.Text);
    }

    [Fact]
    public async Task The_repetition_penalty_changes_greedy_output_on_this_prompt()
    {
        // Without this, the comparison above could pass with penalties ignored on both sides.
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path });
        var plain = await EngineAsync(engine, new SamplingParameters { RepetitionPenalty = 1f });
        var penalized = await EngineAsync(engine, new SamplingParameters { RepetitionPenalty = 1.5f, PenaltyWindow = 64 });
        Assert.NotEqual(plain.Text, penalized.Text);
    }

    private static async Task<(string Text, int Tokens)> EngineAsync(UrialEngine engine, SamplingParameters sampling)
    {
        var text = new StringBuilder();
        var tokens = 0;
        await foreach (var update in engine.GenerateAsync(new GenerationRequest(Prompt) { MaxOutputTokens = MaxTokens, Sampling = sampling }, TestContext.Current.CancellationToken))
        {
            text.Append(update.Text);
            tokens = update.Usage?.OutputTokens ?? tokens;
        }

        return (text.ToString(), tokens);
    }

    private async Task<(string Text, int Tokens)> ReferenceAsync(SamplingParameters sampling)
    {
        var weights = model.Weights;
        using var executor = new BatchedExecutor(weights, new ModelParams(model.Parameters.ModelPath) { GpuLayerCount = 0, ContextSize = 1024, BatchSize = 128 });
        using var conversation = executor.Create();
        var prompt = weights.Tokenize(Prompt, add_bos: true, special: false, Encoding.UTF8);
        conversation.Prompt(prompt);

        using var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddPenalties(sampling.PenaltyWindow, sampling.RepetitionPenalty, sampling.FrequencyPenalty, sampling.PresencePenalty);
        foreach (var token in prompt.AsSpan(Math.Max(0, prompt.Length - sampling.PenaltyWindow)))
        {
            chain.Accept(token);
        }

        if (sampling.IsGreedy)
        {
            chain.AddGreedySampler();
        }
        else
        {
            chain.AddTopK(sampling.TopK);
            chain.AddTopP(sampling.TopP, 1);
            chain.AddMinP(sampling.MinP, 1);
            chain.AddTemperature(sampling.Temperature);
            chain.AddDistributionSampler((uint)sampling.Seed!.Value);
        }

        var decoder = new StreamingTokenDecoder(Encoding.UTF8, weights);
        var text = new StringBuilder();
        for (var count = 1; ; count++)
        {
            Assert.Equal(DecodeResult.Ok, await executor.Infer(TestContext.Current.CancellationToken));
            var token = chain.Sample(executor.Context.NativeHandle, conversation.GetSampleIndex());
            if (token.IsEndOfGeneration(weights.Vocab))
            {
                return (text.ToString(), count);
            }

            decoder.Add(token);
            text.Append(decoder.Read());
            if (count == MaxTokens)
            {
                return (text.ToString(), count);
            }

            conversation.Prompt(token);
        }
    }
}
