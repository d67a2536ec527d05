using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Workflow.Torch.Interop;

namespace Workflow.Torch.IO;

/// <summary>
/// An open safetensors file, memory-mapped copy-on-write and validated when opened. A tensor wanted at its stored
/// dtype on the CPU is a view of the mapped bytes (<see cref="TryShare"/>), as in safetensors' torch loader; others
/// are copied straight from them into their destination (converting dtype and device on the way), so loading a model
/// never holds the file's contents twice. Dispose to release the mapping, which views of it keep alive.
/// </summary>
public sealed unsafe class SafeTensorsFile : ITensorFile
{
    private const int LengthFieldSize = 8;

    private readonly MappedFile _file;
    private readonly Dictionary<string, SafeTensorsEntry> _byName;
    private readonly long _dataOffset;

    private SafeTensorsFile(MappedFile file, SafeTensorsHeader header)
    {
        _file = file;
        Entries = header.Entries;
        Metadata = header.Metadata;
        _byName = header.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        _dataOffset = LengthFieldSize + HeaderLength(file.Start);
    }

    public string Path => _file.Path;

    /// <summary>Every tensor, in the order of their bytes in the file.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    IReadOnlyList<TensorEntry> ITensorFile.Entries => Entries;

    /// <summary>The header's "__metadata__" (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public IEnumerable<string> Keys => _byName.Keys;

    /// <summary>
    /// Maps and validates <paramref name="path"/>, a regular file (a FIFO or device is refused unopened); a malformed
    /// file throws <see cref="SafeTensorsException"/>, naming the format when it is another one (a pickle, a zip, GGUF).
    /// </summary>
    public static SafeTensorsFile Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            RefuseForeignFormat(path, file);
            if (file.Length < LengthFieldSize)
                throw new SafeTensorsException(path, null,
                    $"the file is {file.Length} bytes; a safetensors file starts with an {LengthFieldSize}-byte header length");
            return new SafeTensorsFile(file, ReadHeader(path, file.Start, file.Length));
        }
        catch
        {
            file.Dispose();
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
        Tensor loaded;
        _file.WillNeed(_dataOffset + entry.Begin, entry.ByteLength);
        fixed (long* shape = entry.Shape)
            loaded = Tensor.From(Native.wt_from_buffer(DataOf(entry), (int)entry.Dtype, shape, entry.Shape.Length,
                (int)(dtype ?? entry.Dtype), (int)target.Type, target.Index));
        _file.DropResidentPages(_dataOffset + entry.Begin, entry.ByteLength);
        return loaded;
    }

    /// <summary>Copies <paramref name="key"/> into <paramref name="destination"/> (same shape), converting dtype and device.</summary>
    public void CopyTo(string key, Tensor destination)
    {
        var entry = this[key];
        var shape = destination.shape;
        if (!shape.AsSpan().SequenceEqual(entry.Shape))
            throw new ArgumentException(
                $"{Path}: tensor '{key}' has shape [{string.Join(", ", entry.Shape)}], the destination [{string.Join(", ", shape)}]");
        _file.WillNeed(_dataOffset + entry.Begin, entry.ByteLength);
        fixed (long* p = entry.Shape)
            TorchException.ThrowIfFailed(Native.wt_copy_from_buffer(destination.Handle, DataOf(entry), (int)entry.Dtype, p, entry.Shape.Length));
        GC.KeepAlive(destination);
        _file.DropResidentPages(_dataOffset + entry.Begin, entry.ByteLength);
    }

    /// <summary>
    /// Makes <paramref name="destination"/> a view of <paramref name="key"/>'s bytes in the mapping, read as they are
    /// stored, when its dtype is the stored one and it lives on the CPU: no copy, no fresh memory, and the mapping
    /// outlives this reader while the view lives. The destination takes the stored elements in its own shape, of as
    /// many elements (a renaming source drops unit dimensions so). An element not aligned to its size (the format
    /// does not align data offsets) is left to <see cref="CopyTo"/>.
    /// </summary>
    public bool TryShare(string key, Tensor destination)
    {
        var entry = this[key];
        return destination.numel() == entry.Shape.Aggregate(1L, (count, size) => count * size)
            && _file.TryShareInto(destination, _dataOffset + entry.Begin, entry.Dtype, entry.ByteLength);
    }

    public void Dispose() => _file.Dispose();

    private byte* DataOf(SafeTensorsEntry entry) => _file.Start + _dataOffset + entry.Begin;

    /// <summary>
    /// Whether <paramref name="head"/> opens a safetensors file of <paramref name="length"/> bytes: its header starts with
    /// '{' at byte 8 and fits in the file. The length itself may start with any byte (a header of 896 bytes begins with
    /// 0x80 0x03, pickle protocol 3's opening), so this is asked before naming another format.
    /// </summary>
    internal static bool HasHeaderShape(ReadOnlySpan<byte> head, long length) =>
        head.Length > LengthFieldSize && head[LengthFieldSize] == '{' && BinaryPrimitives.ReadUInt64LittleEndian(head) <= (ulong)length - LengthFieldSize;

    private static void RefuseForeignFormat(string path, MappedFile file)
    {
        var head = file.Span(0, (int)Math.Min(file.Length, ForeignFormats.HeadLength));
        if (!HasHeaderShape(head, file.Length) && ForeignFormats.Identify(head) is { } format)
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
