using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Workflow.Testing.Hostile;

/// <summary>
/// Model files an attacker (or a confused user) would drop into models/: safetensors headers that are huge in count
/// though tiny in data, and pickled checkpoints under a .safetensors name.
/// </summary>
public static class HostileCheckpoints
{
    /// <summary>A safetensors file of <paramref name="count"/> zero-element tensors named by <paramref name="name"/>(i): no data at all.</summary>
    public static byte[] EmptyEntries(int count, Func<int, string> name)
    {
        var header = new StringBuilder("{");
        for (int i = 0; i < count; i++)
            header.Append(i == 0 ? "" : ",").Append('"').Append(name(i)).Append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        return Safetensors(header.Append('}').ToString(), []);
    }

    /// <summary>Entries an SD1.x loader walks: the three model prefixes, then <paramref name="count"/> VAE down blocks, each empty.</summary>
    public static byte[] VaeBlockFlood(int count) =>
        EmptyEntries(count + 3, i => i switch
        {
            0 => "model.diffusion_model.input_blocks.0.0.weight",
            1 => "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight",
            2 => "first_stage_model.decoder.conv_in.weight",
            _ => $"first_stage_model.encoder.down.{i - 3}.block.0.conv2.weight",
        });

    /// <summary>
    /// <paramref name="safetensors"/> with <paramref name="count"/> more entries named by <paramref name="name"/>(i), each
    /// empty: the data section is unchanged, the header grows (as a real model with a flood of names added).
    /// </summary>
    public static byte[] WithEmptyEntries(byte[] safetensors, int count, Func<int, string> name)
    {
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(safetensors);
        var original = Encoding.UTF8.GetString(safetensors, 8, length).TrimEnd();
        var header = new StringBuilder(original[..^1]);   // without its closing brace
        for (int i = 0; i < count; i++)
            header.Append(",\"").Append(name(i)).Append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        return Safetensors(header.Append('}').ToString(), safetensors[(8 + length)..]);
    }

    /// <summary>A header nested deeper than any JSON reader goes.</summary>
    public static byte[] DeepHeader(int depth) => Safetensors(new string('[', depth) + new string(']', depth), []);

    /// <summary>What torch.save writes since PyTorch 1.6: a zip whose first entry is &lt;stem&gt;/data.pkl (as torch 1.13 writes it).</summary>
    public static byte[] TorchZip() => TorchZip([0x80, 0x02, 0x7D, 0x71, 0x00, 0x2E]);   // {}: PROTO 2, EMPTY_DICT, BINPUT 0, STOP

    /// <summary>
    /// A torch.save archive whose pickle calls os.system(<paramref name="command"/>) when unpickled (GLOBAL posix.system,
    /// the command, TUPLE1, REDUCE), what a malicious .ckpt/.pt/.bin does.
    /// </summary>
    public static byte[] TorchZipCallingSystem(string command)
    {
        var argument = System.Text.Encoding.UTF8.GetBytes(command);
        return TorchZip([0x80, 0x02, (byte)'c', .. "posix\nsystem\n"u8, (byte)'X', .. BitConverter.GetBytes(argument.Length), .. argument, 0x85, (byte)'R', (byte)'.']);
    }

    private static byte[] TorchZip(byte[] pickle)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var data = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open())
                data.Write(pickle);
            using (var version = zip.CreateEntry("archive/version", CompressionLevel.NoCompression).Open())
                version.Write("3\n"u8);
        }
        return buffer.ToArray();
    }

    /// <summary>torch.save's legacy format: the pickled magic number, then the protocol version and the object.</summary>
    public static byte[] LegacyTorchPickle() =>
        [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E, 0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E, .. new byte[64]];

    /// <summary>A plain pickle of an empty dict at protocol 4 (what pickle.dump writes by default).</summary>
    public static byte[] Pickle4() => [0x80, 0x04, 0x95, 0x02, 0, 0, 0, 0, 0, 0, 0, 0x7D, 0x94, 0x2E];

    public static byte[] Gguf() => [.. "GGUF"u8, 3, 0, 0, 0, .. new byte[32]];

    public static byte[] Safetensors(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }
}
