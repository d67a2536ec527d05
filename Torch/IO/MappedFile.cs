using System.IO.MemoryMappedFiles;
using Workflow.Torch.Interop;

namespace Workflow.Torch.IO;

/// <summary>
/// A file mapped read-only into memory until disposed: the tensor readers hand libtorch pointers into it, so a
/// checkpoint's bytes live in the page cache once rather than in a buffer of their own as well.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _start;
    private bool _disposed;

    private MappedFile(string path, long length, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* start)
    {
        (Path, Length, _map, _view) = (path, length, map, view);
        _start = start;
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
            return new MappedFile(path, 0, null, null, null);
        var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        return new MappedFile(path, length, map, view, start + view.PointerOffset);
    }

    /// <summary><paramref name="length"/> bytes from <paramref name="offset"/>, which the caller has checked lie in the file.</summary>
    public ReadOnlySpan<byte> Span(long offset, int length) =>
        offset >= 0 && length >= 0 && offset <= Length - length
            ? new ReadOnlySpan<byte>(Start + offset, length)
            : throw new ArgumentOutOfRangeException(nameof(offset), $"bytes [{offset}, {offset + length}) are outside {Path} ({Length} bytes)");

    /// <summary>
    /// Asks for the pages of [<paramref name="offset"/>, +<paramref name="length"/>) to be read ahead in large requests
    /// before a tensor is copied out of them (a cold file then arrives at the disk's speed, not one fault's 128 KiB at a
    /// time); free when they are cached already.
    /// </summary>
    public void WillNeed(long offset, long length) => Native.wt_will_need_pages(Start + offset, length);

    /// <summary>
    /// Drops the pages of [<paramref name="offset"/>, +<paramref name="length"/>) from this process's resident memory
    /// once a tensor's bytes are copied out of them: they stay in the page cache (and fault back in if read again),
    /// so a loaded model counts its tensors once in RSS, not its tensors plus the file.
    /// </summary>
    public void DropResidentPages(long offset, long length) => Native.wt_drop_resident_pages(Start + offset, length);

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_view is null)
            return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map!.Dispose();
    }
}
