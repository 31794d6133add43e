namespace Urial.SemanticKernel.Tests;

public sealed class OffloadPlanTests
{
    [Theory]
    [InlineData(UrialBackend.Auto, null, true, -1, true)]    // a GPU build: every layer
    [InlineData(UrialBackend.Auto, null, false, 0, true)]    // the CPU build: nothing to offload to
    [InlineData(UrialBackend.Auto, 12, true, 12, true)]      // an explicit count wins
    [InlineData(UrialBackend.Cuda, null, true, -1, true)]    // Cuda offloads every layer by default
    [InlineData(UrialBackend.Cuda, 0, true, 0, true)]        // …unless told to keep the layers on the CPU
    [InlineData(UrialBackend.Cpu, null, true, 0, false)]     // Cpu: nothing offloaded, even from a GPU build
    [InlineData(UrialBackend.Cpu, 0, false, 0, false)]
    public void The_backend_decides_what_an_unset_layer_count_means_and_whether_operations_are_offloaded(
        UrialBackend backend, int? requested, bool gpuAvailable, int layers, bool offloadOperations)
    {
        var plan = OffloadPlan.Resolve(backend, requested, gpuAvailable);

        Assert.Equal(layers, plan.GpuLayerCount);
        Assert.Equal(offloadOperations, plan.OffloadOperations);
    }

    [Fact]
    public void Cuda_without_a_usable_GPU_fails_instead_of_running_on_the_CPU()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OffloadPlan.Resolve(UrialBackend.Cuda, null, gpuAvailable: false));

        Assert.Contains("Backend is Cuda", error.Message, StringComparison.Ordinal);
        Assert.Contains("LLamaSharp.Backend.Cuda12", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UrialBackend.Cpu, 4, "GpuLayerCount is 4 but Backend is Cpu")]
    [InlineData(UrialBackend.Cpu, -1, "GpuLayerCount is -1 but Backend is Cpu")]
    [InlineData((UrialBackend)9, null, "Backend is 9; use Auto, Cpu or Cuda.")]
    public void Engine_options_refuse_a_contradictory_backend(UrialBackend backend, int? layers, string message)
    {
        var options = new UrialEngineOptions { ModelPath = "model.gguf", Backend = backend, GpuLayerCount = layers };

        Assert.Contains(options.Validate(), error => error.StartsWith(message, StringComparison.Ordinal));
    }
}
