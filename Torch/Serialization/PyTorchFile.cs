using System.Diagnostics.CodeAnalysis;
using Workflow.Torch.Interop;
using Workflow.Torch.IO;
using Workflow.Torch.Serialization.Pickle;

namespace Workflow.Torch.Serialization;

/// <summary>
/// An open PyTorch checkpoint (.pt, .pth, .bin, .ckpt) in either of torch.save's formats, read with the guarantee of
/// torch.load(weights_only=True): the pickle may build tensors, storages and plain containers, and any other global
/// is refused by name before anything runs (<see cref="AllowedGlobals"/>). The file is memory-mapped copy-on-write:
/// tensors are views of their storages' bytes where no conversion is needed (<see cref="TryShare"/>), else copied
/// from them straight into their destination, so a checkpoint is never held twice.
/// <see cref="Root"/> is the whole unpickled object; the <see cref="ITensorFile"/> view is its state dict
/// (<see cref="StateDict"/>). Dispose to unmap.
/// </summary>
public sealed unsafe class PyTorchFile : ITensorFile
{
    private readonly MappedFile _file;
    private readonly IReadOnlyDictionary<string, long> _storageOffsets;
    private readonly Dictionary<string, (TensorEntry Entry, StoredTensor Tensor)> _byName;

    private PyTorchFile(MappedFile file, CheckpointContent content, PickleLimits limits)
    {
        (_file, Root, _storageOffsets) = (file, content.Root, content.StorageOffsets);
        var tensors = StateDict.Flatten(content.Root, file.Path, limits);
        Entries = [.. tensors.Select(t => new TensorEntry(t.Name, t.Tensor.Dtype, t.Tensor.Shape))];
        _byName = tensors.Zip(Entries).ToDictionary(p => p.First.Name, p => (p.Second, p.First.Tensor), StringComparer.Ordinal);
    }

    public string Path => _file.Path;

    /// <summary>The unpickled object: <see cref="PickleDict"/>, lists, <see cref="PickleTuple"/>, numbers, strings, and <see cref="StoredTensor"/> leaves.</summary>
    public object? Root { get; }

    /// <summary>The state dict's tensors, in its order, nested names joined with dots.</summary>
    public IReadOnlyList<TensorEntry> Entries { get; }

    public IEnumerable<string> Keys => _byName.Keys;

    /// <summary>Whether the first bytes are a PyTorch zip archive or a legacy pickle (torch.save's two formats), or PyTorch's old tar format.</summary>
    public static bool LooksLikeOne(ReadOnlySpan<byte> head) =>
        head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8) || head.Length > 1 && head[0] == (byte)PickleOpcode.Proto && head[1] <= 5
        || head.StartsWith("L119547037146038801333356"u8)
        || head.Length > 262 && head[257..262].SequenceEqual("ustar"u8);

    /// <summary>Maps and reads <paramref name="path"/>; anything refused or malformed throws <see cref="PyTorchFileException"/>.</summary>
    public static PyTorchFile Open(string path, PickleLimits? limits = null)
    {
        limits ??= PickleLimits.Default;
        var file = MappedFile.Open(path);
        try
        {
            if (file.Length < 4)
                throw new PyTorchFileException(path, $"the file is {file.Length} bytes, too short for a PyTorch checkpoint");
            var content = file.Span(0, 2).SequenceEqual("PK"u8) ? ZipFormat.Read(file, limits) : LegacyFormat.Read(file, limits);
            return new PyTorchFile(file, content, limits);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public bool TryGetShape(string key, [NotNullWhen(true)] out long[]? shape)
    {
        shape = _byName.TryGetValue(key, out var found) ? found.Entry.Shape : null;
        return shape is not null;
    }

    public Tensor Load(string name, ScalarType? dtype = null, Device? device = null) => Load(Find(name), dtype, device);

    /// <summary>A new contiguous tensor holding <paramref name="tensor"/> (one of this file's, e.g. from <see cref="Root"/>), converted as asked.</summary>
    public Tensor Load(StoredTensor tensor, ScalarType? dtype = null, Device? device = null)
    {
        var target = device ?? Device.CPU;
        Tensor loaded;
        _file.WillNeed(FileOffset(tensor), tensor.ByteSpan);
        fixed (long* shape = tensor.Shape, stride = tensor.Stride)
            loaded = Tensor.From(Native.wt_from_strided_buffer(DataOf(tensor), (int)tensor.Dtype, shape, stride, tensor.Shape.Length,
                (int)(dtype ?? tensor.Dtype), (int)target.Type, target.Index));
        DropResidentPages(tensor);
        return loaded;
    }

    /// <summary>Copies <paramref name="key"/> into <paramref name="destination"/> (same shape), converting dtype and device.</summary>
    public void CopyTo(string key, Tensor destination)
    {
        var tensor = Find(key);
        var shape = destination.shape;
        if (!shape.AsSpan().SequenceEqual(tensor.Shape))
            throw new ArgumentException(
                $"{Path}: tensor '{key}' has shape [{string.Join(", ", tensor.Shape)}], the destination [{string.Join(", ", shape)}]");
        _file.WillNeed(FileOffset(tensor), tensor.ByteSpan);
        fixed (long* sizes = tensor.Shape, stride = tensor.Stride)
            TorchException.ThrowIfFailed(Native.wt_copy_from_strided_buffer(destination.Handle, DataOf(tensor), (int)tensor.Dtype, sizes, stride, tensor.Shape.Length));
        GC.KeepAlive(destination);
        DropResidentPages(tensor);
    }

    /// <summary>
    /// Makes <paramref name="destination"/> (same shape) a view of <paramref name="key"/>'s bytes in the mapping, as
    /// <see cref="SafeTensorsFile.TryShare"/> does, where its dtype is the stored one, it lives on the CPU and the
    /// stored tensor is contiguous (a transposed or expanded view is copied, so that parameters stay contiguous).
    /// An archive's records are stored uncompressed (compressed ones are refused), so their bytes are the tensor's.
    /// </summary>
    public bool TryShare(string key, Tensor destination)
    {
        var tensor = Find(key);
        return destination.shape.AsSpan().SequenceEqual(tensor.Shape) && IsContiguous(tensor)
            && _file.TryShareInto(destination, FileOffset(tensor), tensor.Dtype, tensor.ByteSpan);
    }

    public void Dispose() => _file.Dispose();

    private static bool IsContiguous(StoredTensor tensor)
    {
        long expected = 1;
        for (var i = tensor.Shape.Length - 1; i >= 0; i--)
        {
            if (tensor.Shape[i] != 1 && tensor.Stride[i] != expected)
                return false;
            expected *= tensor.Shape[i];
        }
        return true;
    }

    private StoredTensor Find(string name) =>
        _byName.TryGetValue(name, out var found) ? found.Tensor : throw new KeyNotFoundException($"{Path} has no tensor '{name}'");

    private byte* DataOf(StoredTensor tensor) => _file.Start + FileOffset(tensor);

    private long FileOffset(StoredTensor tensor) =>
        tensor.Storage.File == (object)_file
            ? _storageOffsets[tensor.Storage.Key] + tensor.ByteOffset
            : throw new ArgumentException($"{tensor} was read from another file than {Path}", nameof(tensor));

    private void DropResidentPages(StoredTensor tensor) => _file.DropResidentPages(FileOffset(tensor), tensor.ByteSpan);
}
