using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using LLama.Native;

namespace Urial.SemanticKernel;

/// <summary>
/// Validates a GBNF grammar with llama.cpp's own parser without risking the process: an invalid grammar handed to
/// LLamaSharp's <c>SafeLLamaSamplerChainHandle.AddGrammar</c> crashes (SIGSEGV) at the first sample, whereas
/// <c>llama_sampler_init_grammar</c> called directly returns NULL on a parse error.
/// </summary>
internal static unsafe class GrammarValidator
{
    private static readonly Lock ValidateLock = new();

    // Log capture state, only touched while ValidateLock is held (plus reads on the native logging thread).
    private static nint _previousCallback;
    private static nint _previousUserData;
    private static int _captureThreadId;
    private static StringBuilder? _captured;

    /// <summary>
    /// Parses <paramref name="gbnf"/> natively against the vocabulary of <paramref name="model"/>.
    /// </summary>
    /// <param name="model">A loaded model (e.g. <c>LLamaWeights.NativeHandle</c>); its vocabulary is used.</param>
    /// <param name="gbnf">The grammar text.</param>
    /// <param name="root">The start rule.</param>
    /// <param name="error">When invalid: llama.cpp's parse error text if it logged one, else a generic message.</param>
    /// <returns>Whether llama.cpp accepted the grammar.</returns>
    public static bool TryValidate(SafeLlamaModelHandle model, string gbnf, string root, out string? error)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(gbnf);
        ArgumentException.ThrowIfNullOrEmpty(root);
        ObjectDisposedException.ThrowIf(model.IsClosed || model.IsInvalid, model);

        if (string.IsNullOrWhiteSpace(gbnf))
        {
            // llama.cpp returns an (unusable) empty grammar rather than NULL for an empty string.
            error = "The grammar is empty.";
            return false;
        }

        if (gbnf.Contains('\0', StringComparison.Ordinal) || root.Contains('\0', StringComparison.Ordinal))
        {
            error = "The grammar or root name contains a NUL character.";
            return false;
        }

        var added = false;
        try
        {
            model.DangerousAddRef(ref added);
            var vocab = LlamaNativeExports.ModelGetVocab(model.DangerousGetHandle());
            var grammarBytes = Encoding.UTF8.GetBytes(gbnf + "\0");
            var rootBytes = Encoding.UTF8.GetBytes(root + "\0");
            string log;
            nint sampler;
            lock (ValidateLock)
            {
                fixed (byte* g = grammarBytes)
                fixed (byte* r = rootBytes)
                {
                    BeginCapture();
                    try
                    {
                        sampler = LlamaNativeExports.SamplerInitGrammar(vocab, g, r);
                    }
                    finally
                    {
                        log = EndCapture();
                    }
                }
            }

            if (sampler == 0)
            {
                // llama.cpp logs only "failed to parse grammar" through its log callback (captured here); the
                // parse details go straight to stderr, so the managed checker (which parses the same way) says why.
                var native = log.Length > 0 ? log.Trim() : "llama_sampler_init_grammar returned NULL";
                error = $"llama.cpp rejected the grammar ({native})" + (GbnfChecker.TryCheck(gbnf, root, out var diagnosis) ? "." : ": " + diagnosis);
                return false;
            }

            LlamaNativeExports.SamplerFree(sampler);
            error = null;
            return true;
        }
        finally
        {
            if (added)
            {
                model.DangerousRelease();
            }
        }
    }

    /// <summary>Installs a log callback that records this thread's messages and forwards every message to the previous callback.</summary>
    private static void BeginCapture()
    {
        LlamaNativeExports.LogGet(out _previousCallback, out _previousUserData);
        _captured = new StringBuilder();
        Volatile.Write(ref _captureThreadId, Environment.CurrentManagedThreadId);
        LlamaNativeExports.LogSet((nint)(delegate* unmanaged[Cdecl]<int, byte*, nint, void>)&OnLog, 0);
    }

    private static string EndCapture()
    {
        LlamaNativeExports.LogSet(_previousCallback, _previousUserData);
        Volatile.Write(ref _captureThreadId, 0);
        var text = _captured?.ToString() ?? string.Empty;
        _captured = null;
        return text;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(int level, byte* text, nint userData)
    {
        try
        {
            if (Volatile.Read(ref _captureThreadId) == Environment.CurrentManagedThreadId && text is not null)
            {
                var message = Marshal.PtrToStringUTF8((nint)text);
                if (message is not null)
                {
                    _captured?.Append(message);
                }
            }

            var previous = _previousCallback;
            if (previous != 0)
            {
                ((delegate* unmanaged[Cdecl]<int, byte*, nint, void>)previous)(level, text, _previousUserData);
            }
        }
#pragma warning disable CA1031 // an exception must never unwind into native code
        catch
        {
        }
#pragma warning restore CA1031
    }
}
