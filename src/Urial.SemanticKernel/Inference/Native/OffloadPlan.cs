namespace Urial.SemanticKernel;

/// <summary>What the engine asks llama.cpp to offload, resolved once from the backend, the layer count and what the loaded library supports.</summary>
/// <param name="GpuLayerCount">The layers to offload: 0 for none, -1 for every layer.</param>
/// <param name="OffloadOperations">Whether llama.cpp may run host operations (large prompt batches) and the KV cache on a GPU device.</param>
internal readonly record struct OffloadPlan(int GpuLayerCount, bool OffloadOperations)
{
    /// <summary>Resolves the plan for a validated backend and layer count.</summary>
    /// <param name="backend">The requested backend.</param>
    /// <param name="gpuLayerCount">The requested layer count, or <see langword="null"/> for the backend's default.</param>
    /// <param name="gpuAvailable">Whether the loaded llama.cpp library can offload to a GPU (<c>llama_supports_gpu_offload</c>).</param>
    /// <exception cref="InvalidOperationException"><paramref name="backend"/> is <see cref="UrialBackend.Cuda"/> and no GPU can be used.</exception>
    public static OffloadPlan Resolve(UrialBackend backend, int? gpuLayerCount, bool gpuAvailable) => backend switch
    {
        UrialBackend.Cpu => new OffloadPlan(0, OffloadOperations: false),
        UrialBackend.Cuda when !gpuAvailable => throw new InvalidOperationException(
            "Backend is Cuda but the llama.cpp library LLamaSharp loaded cannot use a GPU (no CUDA 12 runtime or device was found, so it fell back to the CPU build). " +
            "Install the NVIDIA driver and CUDA 12 runtime and reference LLamaSharp.Backend.Cuda12, or set Backend to Auto or Cpu."),
        _ => new OffloadPlan(gpuLayerCount ?? (gpuAvailable ? -1 : 0), OffloadOperations: true),
    };
}
