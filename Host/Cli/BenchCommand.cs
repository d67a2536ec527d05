using System.CommandLine;
using Spectre.Console;
using Workflow.Host.Benchmarks;

namespace Workflow.Host.Cli;

/// <summary>
/// <c>workflow bench &lt;what&gt; [--json]</c>: benchmarks that report ratios and figures, never pass/fail. The host's own
/// (executor, tensor) and those plugins offer ([Benchmark] classes, such as Nodes.Diffusion's sampler), which appear
/// when the command line starts with "bench".
/// </summary>
public static class BenchCommand
{
    public static Command Create(GlobalOptions global, string[] args)
    {
        var bench = new Command("bench", "Measure the host's speed") { Executor(), Tensor(global), Server(global) };
        if (args.FirstOrDefault() == "bench")
            foreach (var entry in PluginBenchmarks.Find(LoadPlugins(args)))
                bench.Subcommands.Add(PluginBenchmarkCommand.Create(global, entry));
        return bench;
    }

    /// <summary>The plugins a benchmark may come from: the default folder, WORKFLOW_PLUGIN_PATH and any --plugins DIR on the line.</summary>
    private static Plugins.PluginReport LoadPlugins(string[] args)
    {
        var extra = args.Zip(args.Skip(1)).Where(pair => pair.First == "--plugins").Select(pair => pair.Second);
        var loader = new Plugins.PluginLoader(new Registry.NodeRegistry(), Microsoft.Extensions.Logging.Abstractions.NullLogger<Plugins.PluginLoader>.Instance);
        loader.LoadAll(Plugins.PluginOptions.FromEnvironment(extra));
        return loader.Report;
    }

    private static Command Executor()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var nodes = new Option<int>("--nodes") { Description = "Length of the node chain", DefaultValueFactory = _ => 1000 };
        var rounds = new Option<int>("--rounds") { Description = "Measured rounds (median reported)", DefaultValueFactory = _ => 15 };
        var command = new Command("executor", "Per-node executor overhead on a chain of trivial nodes, first run and cached re-run, and a list through 3 nodes") { json, nodes, rounds };
        command.SetAction(parse =>
        {
            var report = ExecutorBenchmark.Run(Math.Max(3, parse.GetValue(nodes)), Math.Max(1, parse.GetValue(rounds)));
            if (parse.GetValue(json))
                Console.WriteLine(report.ToJson().ToJsonString());
            else
                AnsiConsole.MarkupLine(
                    $"{report.Nodes} nodes: first run {report.Chain.FirstMs:F2} ms ([bold]{report.Chain.FirstMs * 1000 / report.Nodes:F2} µs/node[/], target < 20), " +
                    $"cached re-run [bold]{report.Chain.CachedMs:F3} ms[/] (target < 5), validation {report.Chain.ValidateMs:F2} ms; " +
                    $"a list of {report.Nodes} through 3 nodes: {report.List.FirstMs:F2} ms, cached {report.List.CachedMs:F3} ms");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Tensor(GlobalOptions global)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var threads = new Option<int?>("--threads") { Description = "Intra-op threads on both sides (default: every hardware thread)" };
        var python = new Option<string>("--python")
        {
            Description = "Python with PyTorch for the reference (Debian's python3-torch: same libtorch)",
            DefaultValueFactory = _ => "/usr/bin/python3",
        };
        var command = new Command("tensor", "The tensor library against PyTorch on the same libtorch (on --device): dispatch overhead, conv2d, matmul, attention")
        {
            json, threads, python,
        };
        command.SetAction(parse =>
        {
            TensorBenchmark.Report report;
            try
            {
                report = TensorBenchmark.Run(parse.GetValue(python)!, parse.GetValue(threads), global.EngineOptions(parse).ResolveDevice());
            }
            catch (TensorReference.UnavailableException e)
            {
                Console.Error.WriteLine($"bench tensor: the PyTorch reference could not run: {e.Message}");
                return ExitCodes.Environment;
            }
            if (parse.GetValue(json))
                Console.WriteLine(report.ToJson().ToJsonString());
            else
                AnsiConsole.Write(TensorTable(report));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Server(GlobalOptions global)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var prompts = new Option<int>("--prompts") { Description = "Prompts to submit", DefaultValueFactory = _ => 1000 };
        var clients = new Option<int>("--clients") { Description = "Concurrent HTTP clients", DefaultValueFactory = _ => 20 };
        var limit = new Option<int>("--limit-s") { Description = "Give up after this many seconds (what is unfinished then counts as lost)", DefaultValueFactory = _ => 300 };
        var command = new Command("server", "A loopback server under small prompts from concurrent clients: accept latency, throughput, lost prompts")
        {
            json, prompts, clients, limit,
        };
        command.SetAction(async parse =>
        {
            var settings = new ServerBenchmark.Settings(Math.Max(1, parse.GetValue(prompts)), Math.Max(1, parse.GetValue(clients)), TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(limit))));
            var report = await ServerBenchmark.RunAsync(settings, global.EngineOptions(parse));
            Console.WriteLine(parse.GetValue(json) ? report.ToJson().ToJsonString() : ServerBenchmark.Describe(report));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Table TensorTable(TensorBenchmark.Report report)
    {
        var table = new Table()
            .Title($"libtorch {report.Libtorch} (PyTorch {report.PyTorch}) on {report.Device}, {report.Threads} threads; ratio = ours / PyTorch")
            .AddColumns("case", "ours", "PyTorch", "ratio", "target");
        foreach (var c in report.Cases)
            table.AddRow(
                Markup.Escape(c.Name), Seconds(c.OursSeconds), Seconds(c.TorchSeconds),
                $"[{(c.MeetsTarget ? "green" : "red")}]{c.Ratio:F3}[/]",
                c.Target < 1.03 ? "< 1" : "<= 1.03");
        return table;
    }

    private static string Seconds(double seconds) =>
        seconds < 1e-3 ? $"{seconds * 1e6:F2} µs" : $"{seconds * 1e3:F2} ms";
}
