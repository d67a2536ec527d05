using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Workflow.Torch.IO;

/// <summary>
/// A file's pages in the kernel's page cache, for benchmarks that time a cold read: how much of the file is cached,
/// and dropping it. Linux only; elsewhere nothing is dropped and residency is unknown (NaN).
/// </summary>
public static unsafe partial class PageCache
{
    private const int DontNeed = 4;   // POSIX_FADV_DONTNEED
    private const string DropCachesPath = "/proc/sys/vm/drop_caches";

    /// <summary>
    /// Drops <paramref name="path"/>'s pages from the page cache: its dirty pages are written first (fdatasync, since
    /// only clean pages can be dropped), then posix_fadvise(DONTNEED), which needs no privileges. Where pages stay
    /// (mapped by another process, or a kernel that ignores the advice) and /proc/sys/vm/drop_caches is writable (root),
    /// the whole page cache is dropped. Returns how: "fadvise", "drop_caches", or "none" with the fraction still cached.
    /// </summary>
    public static string Evict(string path)
    {
        if (!OperatingSystem.IsLinux())
            return "none (not Linux)";
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            int fd = (int)stream.SafeFileHandle.DangerousGetHandle();
            fdatasync(fd);
            posix_fadvise(fd, 0, 0, DontNeed);
        }
        if (ResidentFraction(path) < 0.01)
            return "fadvise";
        try
        {
            File.WriteAllText(DropCachesPath, "1");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"none ({ResidentFraction(path):P0} still cached)";
        }
        var left = ResidentFraction(path);
        return left < 0.01 ? "drop_caches" : $"none ({left:P0} still cached)";
    }

    /// <summary>The fraction of <paramref name="path"/>'s pages in the page cache now (mincore over a mapping of it).</summary>
    public static double ResidentFraction(string path)
    {
        var length = new FileInfo(path).Length;
        if (!OperatingSystem.IsLinux() || length == 0)
            return double.NaN;
        using var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        try
        {
            var pages = (length + Environment.SystemPageSize - 1) / Environment.SystemPageSize;
            var resident = new byte[pages];
            fixed (byte* vector = resident)
                if (mincore(start + view.PointerOffset, (nuint)length, vector) != 0)
                    return double.NaN;
            return resident.Count(b => (b & 1) != 0) / (double)pages;
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int posix_fadvise(int fd, long offset, long length, int advice);

    [LibraryImport("libc", EntryPoint = "fdatasync")]
    private static partial int fdatasync(int fd);

    [LibraryImport("libc", EntryPoint = "mincore")]
    private static partial int mincore(byte* start, nuint length, byte* vector);
}
