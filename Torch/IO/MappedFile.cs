using Workflow.Torch.Interop;

namespace Workflow.Torch.IO;

/// <summary>
/// A file mapped into memory, copy-on-write (see Native/src/mapping.cpp): the tensor readers copy out of it, converting
/// on the way, or hand out tensors that are views of its pages (<see cref="TryShareInto"/>), so a checkpoint's bytes
/// live in the page cache once rather than in a buffer of their own as well. Disposing drops this reader's hold; the
/// pages stay mapped while a view of them lives. Nothing written to a view reaches the file.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly nint _mapping;
    private readonly byte* _start;
    private readonly List<(long Begin, long End)> _shared = [];
    private bool _disposed;

    private MappedFile(string path, long length, nint mapping)
    {
        (Path, Length, _mapping) = (path, length, mapping);
        _start = mapping != 0 ? Native.wt_mapping_start(mapping) : null;
    }

    public string Path { get; }

    public long Length { get; }

    /// <summary>The first byte (null for an empty file, which maps nothing).</summary>
    public byte* Start => !_disposed ? _start : throw new ObjectDisposedException(nameof(MappedFile), Path);

    public static MappedFile Open(string path)
    {
        using var stream = RegularFile.OpenRead(path);   // a FIFO or device is refused unopened
        var length = stream.Length;
        if (length == 0)
            return new MappedFile(path, 0, 0);
        var mapping = Native.wt_map_file((int)stream.SafeFileHandle.DangerousGetHandle(), length);
        return mapping != 0 ? new MappedFile(path, length, mapping) : throw new IOException($"{path}: {TorchException.FromLastError().Message}");
    }

    /// <summary><paramref name="length"/> bytes from <paramref name="offset"/>, which the caller has checked lie in the file.</summary>
    public ReadOnlySpan<byte> Span(long offset, int length) =>
        offset >= 0 && length >= 0 && offset <= Length - length
            ? new ReadOnlySpan<byte>(Start + offset, length)
            : throw new ArgumentOutOfRangeException(nameof(offset), $"bytes [{offset}, {offset + length}) are outside {Path} ({Length} bytes)");

    /// <summary>
    /// Makes <paramref name="destination"/> a view of the contiguous <paramref name="dtype"/> elements stored from
    /// <paramref name="offset"/> (<paramref name="byteSpan"/> bytes, as many elements as the destination holds, checked by
    /// the caller to lie in the file), in the destination's shape, when no conversion is needed: the destination already
    /// has that dtype, lives on the CPU, and the offset is a multiple of the element size. Returns false, changing
    /// nothing, where the bytes must be copied: conversions, and unaligned elements (safetensors does not align its data
    /// offsets, and libtorch's kernels read whole aligned elements).
    /// </summary>
    public bool TryShareInto(Tensor destination, long offset, ScalarType dtype, long byteSpan)
    {
        if (Length == 0 || destination.dtype != dtype || destination.device.Type != DeviceType.CPU || offset % dtype.ElementSize() != 0)
            return false;
        var shape = destination.shape;
        WillNeed(offset, byteSpan);
        fixed (long* sizes = shape)
        {
            using var view = Tensor.From(Native.wt_mapping_view(_mapping, offset, (int)dtype, sizes, shape.Length));
            destination.Assign(view);
        }
        lock (_shared)
            _shared.Add((offset, offset + byteSpan));
        return true;
    }

    /// <summary>
    /// Asks for the pages of [<paramref name="offset"/>, +<paramref name="length"/>) to be read ahead in large requests
    /// before a tensor is copied out of them (a cold file then arrives at the disk's speed, not one fault's 128 KiB at a
    /// time); free when they are cached already.
    /// </summary>
    public void WillNeed(long offset, long length) => Native.wt_will_need_pages(Start + offset, length);

    /// <summary>
    /// Drops the whole pages of [<paramref name="offset"/>, +<paramref name="length"/>) from this process's resident
    /// memory once a tensor's bytes are copied out of them: they stay in the page cache (and fault back in if read
    /// again), so a loaded model counts its tensors once in RSS, not its tensors plus the file. Bytes also shared as a
    /// view are kept: a page written through the view (its private copy) would be thrown away.
    /// </summary>
    public void DropResidentPages(long offset, long length)
    {
        lock (_shared)
            if (_shared.Any(range => range.Begin < offset + length && offset < range.End))
                return;
        Native.wt_drop_resident_pages(Start + offset, length);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_mapping != 0)
            Native.wt_mapping_release(_mapping);
    }
}
