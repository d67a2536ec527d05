using System.Diagnostics;
using Workflow.Host.Tests.Support;

namespace Workflow.Host.Tests.Cli;

/// <summary>Ctrl+C on <c>workflow run</c>, sent as a terminal sends it (SIGINT to the process) while a long node runs.</summary>
public sealed class InterruptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("workflow-interrupt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// TestSleep waits 60 s per step and honours cancellation while it waits; the run must end well inside that one
    /// step, say where it stopped and what had finished, and exit 130 rather than die of the signal.
    /// </summary>
    [Fact]
    public async Task First_sigint_stops_the_running_node_within_its_step_and_exits_130()
    {
        using var process = StartSlowRun(ignoreCancellation: false);
        var stdout = await ReadUntilNodeStarts(process);
        var stderr = process.StandardError.ReadToEndAsync();

        Interrupt(process);
        var rest = process.StandardOutput.ReadToEndAsync();
        await ExitsWithin(process, TimeSpan.FromSeconds(30), "the run did not stop within 30 s of Ctrl+C (a step is 60 s)");

        var output = stdout + await rest + await stderr;
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("executed 1 node(s), 0 from cache", output);
        Assert.Contains("interrupted at node #2 (TestSleep); finished before it: #1", output);
        Assert.False(Directory.Exists(Path.Combine(_dir, "output")) && Directory.EnumerateFiles(Path.Combine(_dir, "output")).Any());
    }

    /// <summary>A node that ignores cancellation keeps the first Ctrl+C waiting; the second ends the process at once.</summary>
    [Fact]
    public async Task Second_sigint_kills_a_run_whose_node_ignores_cancellation()
    {
        using var process = StartSlowRun(ignoreCancellation: true);
        await ReadUntilNodeStarts(process);
        var stdout = process.StandardOutput.ReadToEndAsync();

        Interrupt(process);
        Assert.StartsWith("interrupting:", await process.StandardError.ReadLineAsync());
        Interrupt(process);
        await ExitsWithin(process, TimeSpan.FromSeconds(30), "the second Ctrl+C did not end the process within 30 s (a step is 60 s)");

        Assert.DoesNotContain("executed", await stdout);   // killed: no summary
    }

    private System.Diagnostics.Process StartSlowRun(bool ignoreCancellation)
    {
        var workflow = Path.Combine(_dir, "slow.json");
        File.WriteAllText(workflow, """
            {"1": {"class_type": "PrimitiveInt", "inputs": {"value": 7}},
             "2": {"class_type": "TestSleep", "inputs": {"value": ["1", 0], "steps": 3, "step_ms": 60000, "ignore_cancellation": IGNORE}},
             "3": {"class_type": "ValueToString", "inputs": {"value": ["2", 0]}},
             "4": {"class_type": "SaveText", "inputs": {"value": ["3", 0], "filename_prefix": "slow"}}}
            """.Replace("IGNORE", ignoreCancellation ? "true" : "false", StringComparison.Ordinal));
        return CliRunner.Start(_dir, new CliRunner.Settings(), "run", workflow, "--plugins", BuildPaths.SlowNodePlugins);
    }

    /// <summary>Standard output up to the line announcing TestSleep (printed as the node starts).</summary>
    private static async Task<string> ReadUntilNodeStarts(Process process)
    {
        var lines = new List<string>();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            lines.Add(line);
            if (line.StartsWith("#2 TestSleep", StringComparison.Ordinal))
                return string.Join('\n', lines) + '\n';
        }
        process.Kill(entireProcessTree: true);
        throw new Xunit.Sdk.XunitException("the run ended before TestSleep started:\n" + string.Join('\n', lines) + await process.StandardError.ReadToEndAsync());
    }

    private static async Task ExitsWithin(Process process, TimeSpan limit, string failure)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail(failure);
        }
    }

    private static void Interrupt(Process process)
    {
        using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
