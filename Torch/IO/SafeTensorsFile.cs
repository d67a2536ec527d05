using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.MemoryMappedFiles;
using Workflow.Torch.Interop;
using Workflow.Torch.Modules;

namespace Workflow.Torch.IO;

/// <summary>
/// An open safetensors file, memory-mapped read-only and validated when opened. Tensors are copied straight from
/// the mapped bytes into their destination (converting dtype and device on the way), so loading a model never
/// holds the file's contents twice. Dispose to unmap.
/// </summary>
public sealed unsafe class SafeTensorsFile : ITensorSource, IDisposable
{
    private const int LengthFieldSize = 8;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Dictionary<string, SafeTensorsEntry> _byName;
    private byte* _data;

    private SafeTensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* start, SafeTensorsHeader header)
    {
        (Path, _map, _view) = (path, map, view);
        Entries = header.Entries;
        Metadata = header.Metadata;
        _byName = header.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        _data = start + LengthFieldSize + HeaderLength(start);
    }

    public string Path { get; }

    /// <summary>Every tensor, in the order of their bytes in the file.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>The header's "__metadata__" (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public IEnumerable<string> Keys => _byName.Keys;

    /// <summary>
    /// Maps and validates <paramref name="path"/>, a regular file (a FIFO or device is refused unopened); a malformed
    /// file throws <see cref="SafeTensorsException"/>, naming the format when it is another one (a pickle, a zip, GGUF).
    /// </summary>
    public static SafeTensorsFile Open(string path)
    {
        using var stream = RegularFile.OpenRead(path);
        var length = stream.Length;
        RefuseForeignFormat(path, stream);
        if (length < LengthFieldSize)
            throw new SafeTensorsException(path, null,
                $"the file is {length} bytes; a safetensors file starts with an {LengthFieldSize}-byte header length");
        var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        try
        {
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            start += view.PointerOffset;
            var header = ReadHeader(path, start, length);
            return new SafeTensorsFile(path, map, view, start, header);
        }
        catch
        {
            view.Dispose();
            map.Dispose();
            throw;
        }
    }

    public SafeTensorsEntry this[string name] =>
        _byName.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"{Path} has no tensor '{name}'");

    public bool Contains(string name) => _byName.ContainsKey(name);

    public bool TryGetShape(string key, [NotNullWhen(true)] out long[]? shape)
    {
        shape = _byName.TryGetValue(key, out var entry) ? entry.Shape : null;
        return shape is not null;
    }

    /// <summary>A new tensor holding <paramref name="name"/>, converted to <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public Tensor Load(string name, ScalarType? dtype = null, Device? device = null)
    {
        var entry = this[name];
        var target = device ?? Device.CPU;
        fixed (long* shape = entry.Shape)
            return Tensor.From(Native.wt_from_buffer(DataOf(entry), (int)entry.Dtype, shape, entry.Shape.Length,
                (int)(dtype ?? entry.Dtype), (int)target.Type, target.Index));
    }

    /// <summary>Copies <paramref name="key"/> into <paramref name="destination"/> (same shape), converting dtype and device.</summary>
    public void CopyTo(string key, Tensor destination)
    {
        var entry = this[key];
        var shape = destination.shape;
        if (!shape.AsSpan().SequenceEqual(entry.Shape))
            throw new ArgumentException(
                $"{Path}: tensor '{key}' has shape [{string.Join(", ", entry.Shape)}], the destination [{string.Join(", ", shape)}]");
        fixed (long* p = entry.Shape)
            TorchException.ThrowIfFailed(Native.wt_copy_from_buffer(destination.Handle, DataOf(entry), (int)entry.Dtype, p, entry.Shape.Length));
        GC.KeepAlive(destination);
    }

    public void Dispose()
    {
        if (_data == null)
            return;
        _data = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    private byte* DataOf(SafeTensorsEntry entry) =>
        _data != null ? _data + entry.Begin : throw new ObjectDisposedException(nameof(SafeTensorsFile), Path);

    private static void RefuseForeignFormat(string path, FileStream stream)
    {
        Span<byte> head = stackalloc byte[ForeignFormats.HeadLength];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (ForeignFormats.Identify(head[..read]) is { } format)
            throw new SafeTensorsException(path, null, $"this is {format}, not a safetensors file");
    }

    private static long HeaderLength(byte* start) => (long)BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(start, LengthFieldSize));

    private static SafeTensorsHeader ReadHeader(string path, byte* start, long fileLength)
    {
        var declared = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(start, LengthFieldSize));
        var available = fileLength - LengthFieldSize;
        if (declared > (ulong)available)
            throw new SafeTensorsException(path, null,
                $"the header length {declared} exceeds the {available} bytes after the length field (truncated file?)");
        if (declared > SafeTensorsHeader.MaxLength)
            throw new SafeTensorsException(path, null, $"the header length {declared} exceeds the limit of {SafeTensorsHeader.MaxLength} bytes");
        var headerLength = (long)declared;
        var json = new ReadOnlySpan<byte>(start + LengthFieldSize, (int)headerLength).ToArray();
        return SafeTensorsHeader.Parse(path, json, available - headerLength);
    }
}
