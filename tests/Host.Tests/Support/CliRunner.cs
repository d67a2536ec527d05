using System.Diagnostics;
using Workflow.Testing;

namespace Workflow.Host.Tests.Support;

/// <summary>Runs the built host as a process, as a user would, in a working folder of the test's own.</summary>
public static class CliRunner
{
    /// <summary>
    /// How the process ended, how long it took, and its peak resident memory, sampled from /proc every 10 ms while
    /// it ran (the high-water mark, so only growth in its last 10 ms could be missed).
    /// </summary>
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, long PeakRssBytes)
    {
        public string Output => Stdout + Stderr;
    }

    public static Outcome Run(string workingDirectory, params string[] args) => Run(workingDirectory, new Settings(), args);

    /// <summary>The time limit (the process is killed past it) and environment variables to set.</summary>
    public sealed record Settings(TimeSpan? Limit = null, IReadOnlyDictionary<string, string>? Environment = null);

    public static Outcome Run(string workingDirectory, Settings settings, params string[] args)
    {
        var limit = settings.Limit ?? TimeSpan.FromMinutes(2);
        var clock = Stopwatch.StartNew();
        using var process = Start(workingDirectory, settings, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.WaitForExit(TimeSpan.FromMilliseconds(10)))
        {
            peak = Math.Max(peak, ProcessMemory.Peak(process.Id));
            if (clock.Elapsed > limit)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"workflow {string.Join(' ', args)} did not finish within {limit.TotalSeconds} s");
            }
        }
        return new Outcome(process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed, peak);
    }

    /// <summary>Starts the host with standard output and error redirected, for a test that talks to it while it runs.</summary>
    public static Process Start(string workingDirectory, Settings settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(BuildPaths.HostDirectory, "Workflow.Host.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var variable in new[] { "WORKFLOW_BASE_DIR", "WORKFLOW_PLUGIN_PATH", "WORKFLOW_MAX_STRING_MB" })
            start.Environment.Remove(variable);
        foreach (var (name, value) in settings.Environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        return Process.Start(start)!;
    }
}
