namespace Urial.SemanticKernel;

/// <summary>Checks a model file before llama.cpp sees it, so that a wrong path fails with a message instead of a native log line.</summary>
internal static class ModelFile
{
    private static ReadOnlySpan<byte> GgufMagic => "GGUF"u8;

    /// <summary>Throws unless <paramref name="path"/> names a readable file that starts like a GGUF model.</summary>
    /// <exception cref="FileNotFoundException">Nothing exists at the path.</exception>
    /// <exception cref="InvalidDataException">The path is a directory, or the file is not GGUF.</exception>
    public static void Validate(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"The model path '{path}' is a directory; set ModelPath to the .gguf file inside it.");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The model file '{Path.GetFullPath(path)}' does not exist; set ModelPath to an existing GGUF base model file.", path);
        }

        Span<byte> header = stackalloc byte[8];
        int read;
        using (var stream = File.OpenRead(path))
        {
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        if (read < header.Length || !header[..4].SequenceEqual(GgufMagic))
        {
            var what = read == 0 ? "empty" : "not a GGUF file (it does not start with the bytes 'GGUF')";
            throw new InvalidDataException($"The model file '{path}' is {what}; set ModelPath to a GGUF model (convert other formats with llama.cpp's convert_hf_to_gguf.py).");
        }
    }
}
