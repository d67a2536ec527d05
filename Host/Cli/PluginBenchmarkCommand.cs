using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Host.Benchmarks;
using Workflow.NodeSdk;

namespace Workflow.Host.Cli;

/// <summary>A plugin's benchmark as a bench subcommand: its declared options, --json, and its figures printed.</summary>
public static class PluginBenchmarkCommand
{
    public static Command Create(GlobalOptions global, PluginBenchmarks.Entry entry)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var command = new Command(entry.Name, $"{entry.Description} (from {entry.Plugin})") { json };
        var options = entry.Benchmark.Options.Select(o => (Declared: o, Option: (Option)(o.IsFlag
            ? new Option<bool>("--" + o.Name) { Description = o.Description }
            : new Option<string?>("--" + o.Name) { Description = o.Default is null ? o.Description : $"{o.Description} (default {o.Default})" })))
            .ToList();
        options.ForEach(o => command.Options.Add(o.Option));
        command.SetAction((parse, cancellation) => Task.Run(() =>
        {
            var values = options.ToDictionary(o => o.Declared.Name, o => Value(parse, o.Option) ?? o.Declared.Default);
            var engine = global.EngineOptions(parse);
            var run = new BenchmarkRun(values, engine.Paths, line => Console.Error.WriteLine($"{entry.Name}: {line}"), cancellation) { Device = engine.ResolveDevice(), Precision = engine.Precision };
            JsonObject report;
            try
            {
                report = entry.Benchmark.Run(run);
            }
            catch (Exception ex) when (ex is InputException or FileNotFoundException or InvalidDataException or NotSupportedException)
            {
                Console.Error.WriteLine($"bench {entry.Name}: {ex.Message}");
                return ExitCodes.Environment;
            }
            Console.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = !parse.GetValue(json) }));
            return ExitCodes.Success;
        }, cancellation));
        return command;
    }

    private static string? Value(ParseResult parse, Option option) => option switch
    {
        Option<bool> flag => parse.GetValue(flag) ? "true" : null,
        Option<string?> text => parse.GetValue(text),
        _ => null,
    };
}
