using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LLama.Batched;
using LLama.Native;

namespace Urial.SemanticKernel;

/// <summary>
/// The evaluated prefix persisted across restarts, keyed by everything its KV depends on: the model file, the
/// prefix tokens, the LLamaSharp version and the context parameters.
/// </summary>
/// <remarks>
/// A SHA-256 of the state file is stored beside it and checked before llama.cpp reads a byte: a stale, truncated
/// or corrupt file is never handed to native code, it is deleted and rebuilt. The model file is identified by its
/// size and the hashes of its first and last MiB, so a multi-gigabyte model is not read in full at every start.
/// </remarks>
internal sealed class PrefixStateFile
{
    private const int SampleBytes = 1 << 20;

    private PrefixStateFile(string path) => StatePath = path;

    public string StatePath { get; }

    private string HashPath => StatePath + ".sha256";

    public static PrefixStateFile For(string directory, string modelPath, ReadOnlySpan<LLamaToken> prefixTokens, string contextKey)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(typeof(Conversation).Assembly.GetName().Version?.ToString() ?? "?"));
        hash.AppendData(Encoding.UTF8.GetBytes(contextKey));
        AppendModelIdentity(hash, modelPath);
        foreach (var token in prefixTokens)
        {
            hash.AppendData(BitConverter.GetBytes((int)token));
        }

        var key = Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
        return new PrefixStateFile(Path.Combine(directory, $"urial-prefix-{key}.state"));
    }

    /// <summary>Loads the saved prefix into a new sequence of <paramref name="executor"/>, or returns <see langword="null"/> when there is no intact file for this key.</summary>
    public Conversation? TryLoad(BatchedExecutor executor, int expectedTokens)
    {
        if (!File.Exists(StatePath) || !File.Exists(HashPath))
        {
            return null;
        }

        if (!string.Equals(File.ReadAllText(HashPath).Trim(), HashOf(StatePath), StringComparison.Ordinal))
        {
            Delete();
            return null;
        }

        var sequence = executor.Load(StatePath);
        if (sequence.TokenCount == expectedTokens)
        {
            return sequence;
        }

        sequence.Dispose();
        Delete();
        return null;
    }

    /// <summary>Saves the evaluated prefix atomically: a reader never sees a half-written file.</summary>
    public void Save(Conversation root)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StatePath)!);
        var temporary = StatePath + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        root.Save(temporary);
        File.WriteAllText(HashPath, HashOf(temporary));
        File.Move(temporary, StatePath, overwrite: true);
    }

    public void Delete()
    {
        File.Delete(StatePath);
        File.Delete(HashPath);
    }

    private static string HashOf(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void AppendModelIdentity(IncrementalHash hash, string modelPath)
    {
        using var stream = File.OpenRead(modelPath);
        hash.AppendData(BitConverter.GetBytes(stream.Length));
        var buffer = new byte[Math.Min(SampleBytes, stream.Length)];
        stream.ReadExactly(buffer);
        hash.AppendData(buffer);
        stream.Seek(-buffer.Length, SeekOrigin.End);
        stream.ReadExactly(buffer);
        hash.AppendData(buffer);
    }
}
