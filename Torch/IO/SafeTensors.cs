using System.Buffers.Binary;
using System.Text.Json;
using Workflow.Torch.Interop;

namespace Workflow.Torch.IO;

/// <summary>Whole-file safetensors reading and writing. For selective or streaming loads, <see cref="SafeTensorsFile"/>.</summary>
public static unsafe class SafeTensors
{
    /// <summary>Every tensor of the file, converted to <paramref name="dtype"/> on <paramref name="device"/> if given.</summary>
    public static Dictionary<string, Tensor> LoadAll(string path, ScalarType? dtype = null, Device? device = null)
    {
        using var file = SafeTensorsFile.Open(path);
        return file.Entries.ToDictionary(e => e.Name, e => file.Load(e.Name, dtype, device), StringComparer.Ordinal);
    }

    /// <summary>The tensors stored in the file, without loading them.</summary>
    public static IReadOnlyList<SafeTensorsEntry> List(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        return file.Entries;
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> (any device, any strides) in name order with optional string metadata.
    /// The file appears complete or not at all: it is written beside the target and moved into place. With
    /// <paramref name="durable"/> that holds across a power cut too: the file's data reach the disk before the move
    /// (fsync), and the move itself before this returns (fsync of the folder).
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null,
        bool durable = false)
    {
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var header = Header(ordered, metadata);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var (_, tensor) in ordered)
                WriteData(stream, tensor);
            if (durable)
                stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        if (durable)
            RegularFile.SyncFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>The JSON header, padded with spaces to a multiple of 8 bytes as the reference writer does.</summary>
    private static byte[] Header(List<KeyValuePair<string, Tensor>> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                    json.WriteString(key, value);
                json.WriteEndObject();
            }
            var offset = 0L;
            foreach (var (name, tensor) in ordered)
            {
                var bytes = tensor.numel() * tensor.element_size();
                json.WriteStartObject(name);
                json.WriteString("dtype", SafeTensorsDtype.NameOf(tensor.dtype));
                WriteArray(json, "shape", tensor.shape);
                WriteArray(json, "data_offsets", [offset, offset + bytes]);
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        var padding = (8 - (int)(buffer.Length % 8)) % 8;
        buffer.Write(Enumerable.Repeat((byte)' ', padding).ToArray());
        return buffer.ToArray();
    }

    private static void WriteArray(Utf8JsonWriter json, string name, ReadOnlySpan<long> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteNumberValue(value);
        json.WriteEndArray();
    }

    private static void WriteData(FileStream stream, Tensor tensor)
    {
        using var cpu = tensor.to(Device.CPU);
        using var contiguous = cpu.contiguous();
        var remaining = contiguous.numel() * contiguous.element_size();
        var data = (byte*)Native.wt_data_ptr(contiguous.Handle);
        while (remaining > 0)
        {
            var chunk = (int)Math.Min(remaining, 1 << 30);
            stream.Write(new ReadOnlySpan<byte>(data, chunk));
            data += chunk;
            remaining -= chunk;
        }
        GC.KeepAlive(contiguous);
    }
}
