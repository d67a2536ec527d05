using System.CommandLine;
using Spectre.Console;
using Workflow.Host.Benchmarks;

namespace Workflow.Host.Cli;

/// <summary><c>workflow bench &lt;what&gt; [--json]</c>: benchmarks that report ratios and figures, never pass/fail.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure the host's speed") { Executor() };
        return bench;
    }

    private static Command Executor()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var nodes = new Option<int>("--nodes") { Description = "Length of the node chain", DefaultValueFactory = _ => 1000 };
        var rounds = new Option<int>("--rounds") { Description = "Measured rounds (median reported)", DefaultValueFactory = _ => 15 };
        var command = new Command("executor", "Per-node executor overhead on a chain of trivial nodes, first run and cached re-run") { json, nodes, rounds };
        command.SetAction(parse =>
        {
            var report = ExecutorBenchmark.Run(Math.Max(3, parse.GetValue(nodes)), Math.Max(1, parse.GetValue(rounds)));
            if (parse.GetValue(json))
                Console.WriteLine(report.ToJson().ToJsonString());
            else
                AnsiConsole.MarkupLine(
                    $"{report.Nodes} nodes: first run {report.FirstRunMs:F2} ms ([bold]{report.PerNodeUs:F2} µs/node[/], target < 20), " +
                    $"cached re-run [bold]{report.CachedRerunMs:F3} ms[/] (target < 5), validation {report.ValidateMs:F2} ms");
            return ExitCodes.Success;
        });
        return command;
    }
}
