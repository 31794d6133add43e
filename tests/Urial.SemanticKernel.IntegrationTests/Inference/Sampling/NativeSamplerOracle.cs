using LLama.Native;

namespace Urial.SemanticKernel;

/// <summary>llama.cpp's own samplers applied to a candidate array in token-id order: the oracle for the managed sampling code.</summary>
internal static class NativeSamplerOracle
{
    /// <summary>Runs <paramref name="chain"/> over candidates made from <paramref name="logits"/>.</summary>
    /// <returns>Every candidate's logit afterwards, by token id, and the selected token (-1 when nothing selected).</returns>
    public static (float[] Logits, int Selected) Apply(SafeLLamaSamplerChainHandle chain, float[] logits)
    {
        var candidates = LLamaTokenDataArray.Create(logits);
        long selected;
        using (LLamaTokenDataArrayNative.Create(candidates, out var native))
        {
            chain.Apply(ref native);
            selected = native.Selected;
        }

        var data = candidates.Data.Span;
        var result = new float[logits.Length];
        for (var i = 0; i < data.Length; i++)
        {
            result[(int)data[i].ID] = data[i].Logit;
        }

        return (result, selected < 0 ? -1 : (int)data[(int)selected].ID);
    }
}
