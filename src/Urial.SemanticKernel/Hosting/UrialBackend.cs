namespace Urial.SemanticKernel;

/// <summary>The llama.cpp backend a hosted Urial model runs on.</summary>
public enum UrialBackend
{
    /// <summary>Whatever native backend LLamaSharp loads (CUDA when its package is installed, else the CPU one); <see cref="UrialOptions.GpuLayerCount"/> applies as set.</summary>
    Auto,

    /// <summary>CPU only: <see cref="UrialOptions.GpuLayerCount"/> must be 0.</summary>
    Cpu,

    /// <summary>NVIDIA CUDA: requires the <c>LLamaSharp.Backend.Cuda12</c> package beside the application; start-up fails without it.</summary>
    Cuda,
}
