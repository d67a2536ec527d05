using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Workflow.Torch.IO;

/// <summary>
/// Opens files that users name (images in input/, models, /view) only when they are regular files. Opening a FIFO
/// blocks until a writer comes, and /dev/zero or a directory never ends or fails late, so a name alone could jam a
/// worker for good: on Linux the file is opened non-blocking and its type read from the open descriptor (no window
/// for it to be swapped between the check and the open); symbolic links are followed to what they name.
/// </summary>
public static partial class RegularFile
{
    private const int OpenReadOnlyNonBlockingCloseOnExec = 0x800 | 0x80000;   // O_RDONLY | O_NONBLOCK | O_CLOEXEC
    private const int AtFdCwd = -100, AtEmptyPath = 0x1000, StatxType = 0x1;
    private const int StatxSize = 256, StatxModeOffset = 28;
    private const int TypeMask = 0xF000, RegularType = 0x8000;

    /// <summary>Opens <paramref name="path"/> for reading; a missing file is <see cref="FileNotFoundException"/>, anything but a regular file <see cref="NotRegularFileException"/>.</summary>
    public static FileStream OpenRead(string path)
    {
        if (!OperatingSystem.IsLinux())
            return OpenElsewhere(path);
        int fd = open(path, OpenReadOnlyNonBlockingCloseOnExec);
        if (fd < 0)
            throw OpenFailed(path, Marshal.GetLastPInvokeError());
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            int mode = Mode(fd, "", AtEmptyPath) ?? throw new IOException($"{path}: cannot read its file type: {Marshal.GetLastPInvokeErrorMessage()}");
            if ((mode & TypeMask) != RegularType)
                throw new NotRegularFileException(path, mode & TypeMask);
            return new FileStream(handle, FileAccess.Read);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>True when <paramref name="path"/> (after links) is a regular file; a FIFO, device, socket or folder is not.</summary>
    public static bool Exists(string path) =>
        OperatingSystem.IsLinux() ? Mode(AtFdCwd, path, 0) is { } mode && (mode & TypeMask) == RegularType : File.Exists(path);

    /// <summary>What <paramref name="path"/> is when it exists but is not a regular file ("a FIFO", "a directory", ...); null otherwise.</summary>
    public static string? Describe(string path) =>
        OperatingSystem.IsLinux() && Mode(AtFdCwd, path, 0) is { } mode && (mode & TypeMask) != RegularType ? NotRegularFileException.Kind(mode & TypeMask) : null;

    /// <summary>The whole file, refused (with its size and the limit) when larger than <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var stream = OpenRead(path);
        if (stream.Length > maxBytes)
            throw new IOException($"{path} is {stream.Length:N0} bytes, more than the {maxBytes:N0} such a file may have");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The whole file as UTF-8 text (a byte-order mark dropped), bounded as <see cref="ReadAllBytes"/>.</summary>
    public static string ReadAllText(string path, long maxBytes)
    {
        using var reader = new StreamReader(new MemoryStream(ReadAllBytes(path, maxBytes)), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>fsync of a folder: renames and new names in it are on disk when this returns.</summary>
    public static void SyncFolder(string folder)
    {
        const int ReadOnlyDirectory = 0x10000 | 0x80000;   // O_RDONLY | O_DIRECTORY | O_CLOEXEC
        var descriptor = open(folder, ReadOnlyDirectory);
        if (descriptor < 0)
            throw OpenFailed(folder, Marshal.GetLastPInvokeError());
        var synced = fsync(descriptor) == 0;
        var errno = Marshal.GetLastPInvokeError();
        close(descriptor);
        if (!synced)
            throw new IOException($"{folder}: fsync failed: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    private static FileStream OpenElsewhere(string path) =>
        Directory.Exists(path) ? throw new NotRegularFileException(path, 0x4000) : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);

    private static int? Mode(int directory, string path, int flags)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        return statx(directory, path, flags, StatxType, ref MemoryMarshal.GetReference(buffer)) == 0
            ? BinaryPrimitives.ReadUInt16LittleEndian(buffer[StatxModeOffset..]) : null;
    }

    private static Exception OpenFailed(string path, int errno) => errno switch
    {
        2 or 20 => new FileNotFoundException($"No file at {path}.", path),   // ENOENT, ENOTDIR
        13 or 1 => new UnauthorizedAccessException($"{path}: permission denied."),   // EACCES, EPERM
        _ => new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}"),
    };

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int descriptor);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int directory, string path, int flags, uint mask, ref byte buffer);
}

/// <summary>A user-named path that is a FIFO, device, socket or folder, which is never opened as a file.</summary>
public sealed class NotRegularFileException(string path, int type) : IOException($"{path} is {Kind(type)}, not a regular file")
{
    public string FilePath { get; } = path;

    /// <summary>What the path is instead: "a FIFO (named pipe)", "a directory", ...</summary>
    public string What { get; } = Kind(type);

    internal static string Kind(int type) => type switch
    {
        0x1000 => "a FIFO (named pipe)",
        0x2000 => "a character device",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => $"of file type 0x{type:X}",
    };
}
