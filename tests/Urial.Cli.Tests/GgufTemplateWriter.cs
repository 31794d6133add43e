using System.Text;

namespace Urial.Cli;

/// <summary>Writes a copy of a GGUF file with a <c>tokenizer.chat_template</c> added: a chat-templated model for tests, from the base test model.</summary>
/// <remarks>Tensor offsets are relative to the data section, so only the metadata grows and the data section is re-aligned.</remarks>
internal static class GgufTemplateWriter
{
    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    public static void CopyWithTemplate(string source, string destination, string template)
    {
        var bytes = File.ReadAllBytes(source);
        using var reader = new BinaryReader(new MemoryStream(bytes));
        if (reader.ReadUInt32() != 0x46554747 || reader.ReadUInt32() != 3)
        {
            throw new InvalidDataException("Only GGUF version 3 is handled.");
        }

        var tensorCount = reader.ReadUInt64();
        var kvCount = reader.ReadUInt64();
        var kvStart = reader.BaseStream.Position;
        var alignment = 32UL;
        for (var i = 0UL; i < kvCount; i++)
        {
            var key = ReadString(reader);
            var type = reader.ReadUInt32();
            var value = SkipValue(reader, type);
            if (key == "general.alignment")
            {
                alignment = value;
            }
        }

        var kvEnd = reader.BaseStream.Position;
        for (var i = 0UL; i < tensorCount; i++)
        {
            ReadString(reader);
            var dims = reader.ReadUInt32();
            reader.BaseStream.Position += (8 * dims) + 4 + 8;
        }

        var infoEnd = reader.BaseStream.Position;
        var dataStart = (long)Align((ulong)infoEnd, alignment);

        using var output = new BinaryWriter(File.Create(destination));
        output.Write(0x46554747u);
        output.Write(3u);
        output.Write(tensorCount);
        output.Write(kvCount + 1);
        output.Write(bytes, (int)kvStart, (int)(kvEnd - kvStart));
        WriteString(output, "tokenizer.chat_template");
        output.Write(8u);
        WriteString(output, template);
        output.Write(bytes, (int)kvEnd, (int)(infoEnd - kvEnd));
        var padding = Align((ulong)output.BaseStream.Position, alignment) - (ulong)output.BaseStream.Position;
        output.Write(new byte[padding]);
        output.Write(bytes, (int)dataStart, bytes.Length - (int)dataStart);
    }

    private static ulong Align(ulong position, ulong alignment) => (position + alignment - 1) / alignment * alignment;

    private static string ReadString(BinaryReader reader) => Encoding.UTF8.GetString(reader.ReadBytes((int)reader.ReadUInt64()));

    private static void WriteString(BinaryWriter writer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>Skips one value; returns it when it is an integer (for <c>general.alignment</c>).</summary>
    private static ulong SkipValue(BinaryReader reader, uint type)
    {
        switch (type)
        {
            case 0 or 1 or 7: return reader.ReadByte();
            case 2 or 3: return reader.ReadUInt16();
            case 4 or 5: return reader.ReadUInt32();
            case 6: reader.ReadSingle(); return 0;
            case 10 or 11: return reader.ReadUInt64();
            case 12: reader.ReadDouble(); return 0;
            case 8: ReadString(reader); return 0;
            case 9:
                var itemType = reader.ReadUInt32();
                var count = reader.ReadUInt64();
                for (var i = 0UL; i < count; i++)
                {
                    SkipValue(reader, itemType);
                }

                return 0;
            default: throw new InvalidDataException($"Unknown GGUF value type {type}.");
        }
    }
}
