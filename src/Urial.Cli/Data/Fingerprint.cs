using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Urial.Cli;

/// <summary>Short stable keys for cache file names: a changed model, prompt or option never reuses stale results.</summary>
internal static class Fingerprint
{
    public static string Of(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts))))[..12];

    /// <summary>Identifies a file by name, size and modification time (hashing a 4 GB model would take a minute).</summary>
    public static string File(string path)
    {
        var info = new FileInfo(path);
        return string.Create(CultureInfo.InvariantCulture, $"{info.Name}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
    }

    public static string Text(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
