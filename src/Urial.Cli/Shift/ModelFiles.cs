namespace Urial.Cli;

/// <summary>Checks model paths before llama.cpp sees them: a wrong path fails with a sentence, not a native log line.</summary>
internal static class ModelFiles
{
    public static void Validate(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"The model file '{System.IO.Path.GetFullPath(path)}' does not exist.");
        }

        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4 || !magic.SequenceEqual("GGUF"u8))
        {
            throw new CliException($"The model file '{path}' is not a GGUF file.");
        }
    }
}
