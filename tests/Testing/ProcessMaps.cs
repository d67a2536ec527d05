using System.Globalization;
using Workflow.Torch;

namespace Workflow.Testing;

/// <summary>This process's memory mappings of a file and descriptors open on it, read from /proc/self (Linux).</summary>
public static class ProcessMaps
{
    /// <summary>The address ranges mapping <paramref name="path"/> (also once it is deleted or renamed over).</summary>
    public static IReadOnlyList<(ulong Start, ulong End)> Of(string path) =>
        [.. File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && (fields[5] == path || fields[5] == path + " (deleted)"))
            .Select(fields => fields[0].Split('-'))
            .Select(range => (ulong.Parse(range[0], NumberStyles.HexNumber), ulong.Parse(range[1], NumberStyles.HexNumber)))];

    /// <summary>This process's open file descriptors on <paramref name="path"/>, from /proc/self/fd.</summary>
    public static int OpenDescriptors(string path) =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(fd => fd.LinkTarget is { } target && target.StartsWith(path, StringComparison.Ordinal));

    /// <summary>Whether <paramref name="tensor"/>'s elements lie in a mapping of <paramref name="path"/>.</summary>
    public static unsafe bool Views(Tensor tensor, string path)
    {
        fixed (byte* data = tensor.bytes)
        {
            var address = (ulong)data;
            return Of(path).Any(range => range.Start <= address && address < range.End);
        }
    }
}
