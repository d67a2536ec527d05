using System.Diagnostics;
using System.Globalization;

namespace Workflow.Testing;

/// <summary>
/// What another process holds, from /proc/PID/status as the system counts it: resident now (VmRSS) and at its peak
/// (VmHWM, the high-water mark, which only grows). <see cref="Watch"/> follows a child's peak until it exits.
/// </summary>
public static class ProcessMemory
{
    public static long Resident(int pid) => Field(pid, "VmRSS:") ?? 0;

    public static long Peak(int pid) => Field(pid, "VmHWM:") ?? 0;

    /// <summary>Samples the peak every few milliseconds while the process runs; the task ends with the last peak seen.</summary>
    public static Task<long> Watch(Process process) => Task.Run(async () =>
    {
        long peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, Field(process.Id, "VmHWM:") ?? 0);
            await Task.Delay(5);
        }
        return peak;
    });

    private static long? Field(int pid, string name)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(name, StringComparison.Ordinal))
                    return long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // the process is gone
        }
        return null;
    }
}
