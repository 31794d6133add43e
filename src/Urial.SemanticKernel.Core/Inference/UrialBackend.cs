namespace Urial.SemanticKernel;

/// <summary>Where llama.cpp runs the model: the backend the engine asks for, and how many layers it offloads by default.</summary>
/// <remarks>
/// LLamaSharp loads a GPU build of llama.cpp when its package (<c>LLamaSharp.Backend.Cuda12</c>) is beside the application and the
/// GPU runtime is found, else the CPU build. The backend decides what <see cref="UrialOptions.GpuLayerCount"/> means when it
/// is left unset, and whether a missing GPU is an error.
/// </remarks>
public enum UrialBackend
{
    /// <summary>Whatever llama.cpp build was loaded: every layer is offloaded when it can use a GPU, none otherwise (the default).</summary>
    Auto,

    /// <summary>CPU only, even when a GPU build was loaded: no layers, no operations and no KV cache are offloaded; <see cref="UrialOptions.GpuLayerCount"/> must be unset or 0.</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through CUDA: every layer is offloaded unless <see cref="UrialOptions.GpuLayerCount"/> says otherwise, and the model fails to load when the loaded llama.cpp cannot use a GPU (instead of silently running on the CPU).</summary>
    Cuda,
}
