using Xunit;
using LLama;
using LLama.Common;

[assembly: AssemblyFixture(typeof(Urial.SemanticKernel.ModelFixture))]

// Every test here drives native objects; keep them off each other's toes.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace Urial.SemanticKernel;

/// <summary>The real test model, loaded once for the whole test assembly (CPU only).</summary>
public sealed class ModelFixture : IDisposable
{
    /// <summary>Loads <see cref="TestModel.Path"/>.</summary>
    public ModelFixture()
    {
        Parameters = new ModelParams(TestModel.Path) { GpuLayerCount = 0, ContextSize = 512 };
        Weights = LLamaWeights.LoadFromFile(Parameters);
    }

    /// <summary>The parameters the model was loaded with.</summary>
    public ModelParams Parameters { get; }

    /// <summary>The loaded weights.</summary>
    public LLamaWeights Weights { get; }

    /// <inheritdoc />
    public void Dispose() => Weights.Dispose();
}
