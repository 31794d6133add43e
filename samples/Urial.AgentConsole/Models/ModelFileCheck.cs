using System.Security.Cryptography;

namespace Urial.AgentConsole.Models;

/// <summary>Checks that a downloaded file is the expected GGUF model, before anything native is asked to load it.</summary>
/// <remarks>A captive portal or an error page can answer 200 with HTML; llama.cpp given such a file fails far less clearly.</remarks>
internal static class ModelFileCheck
{
    /// <summary>The file name of the default model.</summary>
    public const string FileName = "stories260K.gguf";

    /// <summary>The size in bytes of the default model.</summary>
    public const long ExpectedSize = 1_185_376;

    /// <summary>The SHA-256 of the default model, as published with it.</summary>
    public const string ExpectedSha256 = "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d";

    /// <summary>Finds what is wrong with a file that should be the default model.</summary>
    /// <param name="path">The file.</param>
    /// <returns><see langword="null"/> when it is the model, else what is wrong.</returns>
    public static string? Problem(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4 || !magic.SequenceEqual("GGUF"u8))
        {
            return "it is not a GGUF file (no \"GGUF\" magic at the start)";
        }

        if (stream.Length != ExpectedSize)
        {
            return $"its size is {stream.Length:N0} bytes, not {ExpectedSize:N0}";
        }

        stream.Position = 0;
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return hash == ExpectedSha256 ? null : $"its SHA-256 is {hash}, not {ExpectedSha256}";
    }
}
