using System.Globalization;

namespace Workflow.Testing;

/// <summary>What a running process has used, from /proc (Linux): the high-water mark of its resident memory so far.</summary>
public static class ProcessMemory
{
    /// <summary>VmHWM in bytes, or null once the process is gone.</summary>
    public static long? PeakRssBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["VmHWM:".Length..^"kB".Length], CultureInfo.InvariantCulture) << 10;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
