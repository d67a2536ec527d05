using System.Diagnostics;
using Workflow.Testing;

namespace Workflow.Host.Tests.Support;

/// <summary>Runs the built host as a process, as a user would, in a working folder of the test's own.</summary>
public static class CliRunner
{
    /// <summary>How it ended, with its peak resident memory (sampled while it ran) and how long it took.</summary>
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        public long PeakBytes { get; init; }

        public TimeSpan Elapsed { get; init; }
    }

    public static Outcome Run(string workingDirectory, params string[] args) => Run(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Runs with <paramref name="environment"/> added to the process's environment.</summary>
    public static Outcome Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
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
        start.Environment.Remove("WORKFLOW_BASE_DIR");
        start.Environment.Remove("WORKFLOW_PLUGIN_PATH");
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var peak = ProcessMemory.Watch(process);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"workflow {string.Join(' ', args)} did not finish");
        }
        return new Outcome(process.ExitCode, stdout.Result, stderr.Result) { PeakBytes = peak.Result, Elapsed = clock.Elapsed };
    }
}
