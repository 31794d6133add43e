using LLama.Batched;

namespace Urial.SemanticKernel;

/// <content>Grammar-constrained decoding: validation before any native sampler, and the switch from free text to the grammar at a trigger.</content>
public sealed partial class UrialEngine
{
    private const string LazyRoot = "urial-lazy-root";

    /// <summary>Validates a grammar with llama.cpp's parser (it kills the process on an invalid grammar at first sample).</summary>
    /// <exception cref="ArgumentException">llama.cpp rejects the grammar.</exception>
    private void ValidateGrammarNatively(GenerationRequest request)
    {
        var gbnf = request.Grammar!.Gbnf;
        var weights = _weights ?? throw new InvalidOperationException("The engine is not loaded.");
        try
        {
            if (!GrammarValidator.TryValidate(weights.NativeHandle, gbnf, "root", out var error))
            {
                throw new ArgumentException($"The grammar of this request is invalid and was not used: {error}", nameof(request));
            }
        }
        catch (ObjectDisposedException)
        {
            throw new ObjectDisposedException(nameof(UrialEngine), "The Urial engine was disposed.");
        }
    }

    /// <summary>Validates the grammar composed at a trigger (on the loop; its parts were checked at submission); fails the request if invalid.</summary>
    private static bool IsValidGrammar(NativeState native, string gbnf, string root, EngineRequest request)
    {
        if (GrammarValidator.TryValidate(native.Weights.NativeHandle, gbnf, root, out var error))
        {
            return true;
        }

        request.Output.Writer.TryComplete(new ArgumentException($"The grammar of this request is invalid and was not used: {error}"));
        return false;
    }

    /// <summary>
    /// The model has just written the trigger: rewind to the token where it began and sample again under a grammar
    /// that starts with the text of that token before the trigger (already released) followed by the request's grammar,
    /// whose language starts with the trigger. Decoding a grammar from a token boundary is what keeps it exact.
    /// </summary>
    private void ConstrainFromTrigger(EngineRequest request, NativeState native)
    {
        var triggerStart = request.Stops.Released;
        var firstDropped = request.TokenTextEnds.FindIndex(end => end > triggerStart);
        var gapStart = firstDropped <= 0 ? 0 : request.TokenTextEnds[firstDropped - 1];
        var gap = request.DecodedText.ToString(gapStart, triggerStart - gapStart);

        // Tokens holds the prompt and every generated token but the one just sampled (never evaluated).
        var keep = request.PromptTokenCount + firstDropped;
        request.Tokens.RemoveRange(keep, request.Tokens.Count - keep);
        request.Conversation!.Rewind(request.Evaluated - (keep - 1)); // the last kept token is evaluated again, for fresh logits
        request.Evaluated = keep - 1;
        request.DecodedText.Length = gapStart;
        request.TokenTextEnds.RemoveRange(firstDropped, request.TokenTextEnds.Count - firstDropped);
        request.OutputTokenCount = firstDropped;
        request.Decoder!.Reset();
        request.Utf8State = Utf8TokenTable.Boundary; // the kept text ends at a token boundary the decoder has read whole

        var grammar = request.Grammar!.Gbnf;
        var root = "root";
        if (gap.Length > 0)
        {
            grammar += $"\n{LazyRoot} ::= {GbnfText.Literal(gap)} root\n";
            root = LazyRoot;
        }

        request.Sampler!.Dispose();
        request.Sampler = null;
        if (!IsValidGrammar(native, grammar, root, request))
        {
            Remove(request);
            return;
        }

        request.Sampler = SamplerChain.Create(request.Sampling, native.Weights.Vocab, grammar, root);
        request.SkipChars = gap.Length;
        request.Constrained = true;
    }
}
