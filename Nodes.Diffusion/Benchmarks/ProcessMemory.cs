using System.Globalization;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>This process's memory as Linux reports it in /proc/self/status, in MiB (0 where it is not reported).</summary>
internal static class ProcessMemory
{
    /// <summary>Peak resident memory (VmHWM): anonymous memory plus the mapped file pages that were resident at the peak.</summary>
    public static double PeakResident() => Field("VmHWM:");

    /// <summary>Resident memory now (VmRSS): anonymous memory plus the mapped file pages resident now.</summary>
    public static double Resident() => Field("VmRSS:");

    /// <summary>Minor page faults so far (/proc/self/stat field 10): each is a fresh page the kernel zeroed, the cost a caching allocator saves.</summary>
    public static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');   // after "pid (comm) ", the state is field 3
        return long.Parse(fields[10 - 3], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Starts a new peak: the kernel sets VmHWM back to the current resident size (writing 5 to /proc/self/clear_refs),
    /// so a figure measured after this is the peak of what followed. Returns false where the kernel does not allow it.
    /// </summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static double Field(string name)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
