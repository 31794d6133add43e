using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LLama.Native;

namespace Urial.SemanticKernel;

/// <summary>
/// Entry points of the <c>llama</c> native library that LLamaSharp 0.30 does not expose (or exposes unsafely),
/// resolved from the very library instance LLamaSharp loaded.
/// </summary>
/// <remarks>
/// LLamaSharp installs a <see cref="DllImportResolver"/> for its own assembly only, choosing one of several
/// <c>runtimes/…/native/{avx512,avx2,avx,noavx}/libllama</c> files; a plain <c>[DllImport("llama")]</c> in this
/// assembly would not find (or would load a different copy of) that library. Instead we ask the runtime to load
/// <c>"llama"</c> on behalf of LLamaSharp's assembly, which goes through LLamaSharp's resolver and returns its
/// already-loaded handle, and call the exports through unmanaged function pointers. This also leaves this
/// assembly's own resolver slot free.
/// </remarks>
internal static unsafe class LlamaNativeExports
{
    private static readonly Lock LoadLock = new();
    private static nint _library;
    private static nint _modelGetVocab;
    private static nint _samplerInitGrammar;
    private static nint _samplerFree;
    private static nint _logGet;
    private static nint _logSet;

    /// <summary>The handle of the <c>llama</c> library LLamaSharp loaded.</summary>
    public static nint Library
    {
        get
        {
            EnsureLoaded();
            return _library;
        }
    }

    /// <summary><c>const llama_vocab * llama_model_get_vocab(const llama_model * model)</c>.</summary>
    public static nint ModelGetVocab(nint model)
    {
        EnsureLoaded();
        return ((delegate* unmanaged[Cdecl]<nint, nint>)_modelGetVocab)(model);
    }

    /// <summary>
    /// <c>llama_sampler * llama_sampler_init_grammar(const llama_vocab * vocab, const char * grammar_str, const char * grammar_root)</c>;
    /// returns zero when the grammar does not parse.
    /// </summary>
    public static nint SamplerInitGrammar(nint vocab, byte* grammar, byte* root)
    {
        EnsureLoaded();
        return ((delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint>)_samplerInitGrammar)(vocab, grammar, root);
    }

    /// <summary><c>void llama_sampler_free(llama_sampler * smpl)</c>.</summary>
    public static void SamplerFree(nint sampler)
    {
        EnsureLoaded();
        ((delegate* unmanaged[Cdecl]<nint, void>)_samplerFree)(sampler);
    }

    /// <summary><c>void llama_log_get(ggml_log_callback * log_callback, void ** user_data)</c>.</summary>
    public static void LogGet(out nint callback, out nint userData)
    {
        EnsureLoaded();
        nint c, u;
        ((delegate* unmanaged[Cdecl]<nint*, nint*, void>)_logGet)(&c, &u);
        callback = c;
        userData = u;
    }

    /// <summary><c>void llama_log_set(ggml_log_callback log_callback, void * user_data)</c>.</summary>
    public static void LogSet(nint callback, nint userData)
    {
        EnsureLoaded();
        ((delegate* unmanaged[Cdecl]<nint, nint, void>)_logSet)(callback, userData);
    }

    private static void EnsureLoaded()
    {
        if (Volatile.Read(ref _logSet) != 0)
        {
            return;
        }

        lock (LoadLock)
        {
            if (_logSet != 0)
            {
                return;
            }

            // NativeApi's static constructor registers LLamaSharp's resolver and loads the library it selects.
            RuntimeHelpers.RunClassConstructor(typeof(NativeApi).TypeHandle);
            var library = NativeLibrary.Load("llama", typeof(NativeApi).Assembly, null);
            _library = library;
            _modelGetVocab = NativeLibrary.GetExport(library, "llama_model_get_vocab");
            _samplerInitGrammar = NativeLibrary.GetExport(library, "llama_sampler_init_grammar");
            _samplerFree = NativeLibrary.GetExport(library, "llama_sampler_free");
            _logGet = NativeLibrary.GetExport(library, "llama_log_get");
            Volatile.Write(ref _logSet, NativeLibrary.GetExport(library, "llama_log_set"));
        }
    }

    /// <summary>
    /// The handle LLamaSharp itself recorded for the <c>llama</c> library (a private field, read for diagnostics
    /// and tests only), or zero when it cannot be read.
    /// </summary>
    internal static nint LLamaSharpLibraryHandle() =>
        typeof(NativeApi).GetField("_loadedLlamaHandle", BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null) is nint handle
            ? handle
            : 0;
}
