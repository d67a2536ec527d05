using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Workflow.Host.Engine;
using Workflow.Host.Execution;
using Workflow.Host.Validation;

namespace Workflow.Host.Cli;

/// <summary>
/// <c>workflow run FILE [--set NODE.INPUT=VALUE]... [--only ID]... [--repeat N]</c>: validates (strictly: any node
/// error stops it), runs with a progress display, and prints where the outputs went. --only runs only the output nodes
/// named; --repeat runs the same workflow again in this process, showing the cache at work.
/// </summary>
public static class RunCommand
{
    public static Command Create(GlobalOptions global)
    {
        var file = new Argument<FileInfo>("file") { Description = "Workflow in ComfyUI API format (JSON)" };
        var set = WorkflowFile.SetOption();
        var only = OnlyOption.Create();
        var repeat = new Option<int>("--repeat") { Description = "Run this many times in one process", DefaultValueFactory = _ => 1 };
        var command = new Command("run", "Run a workflow") { file, set, only, repeat };
        command.SetAction((parse, cancellation) =>
        {
            var request = new RunArguments(parse.GetValue(file)!, parse.GetValue(set) ?? [], parse.GetValue(only) ?? [], Math.Max(1, parse.GetValue(repeat)));
            return ExecuteAsync(global, parse, request, cancellation);
        });
        return command;
    }

    /// <summary>What the command line asked to run.</summary>
    private sealed record RunArguments(FileInfo File, string[] Overrides, string[] Only, int Repeat);

    private static async Task<int> ExecuteAsync(GlobalOptions global, ParseResult parse, RunArguments arguments, CancellationToken cancellation)
    {
        using var loggers = global.CreateLoggerFactory(parse);
        var engine = global.CreateEngine(parse, loggers);
        var loaded = WorkflowFile.Load(arguments.File, arguments.Overrides);
        if (loaded.Graph is not { } graph)
            return ValidateCommand.Report(ValidationOutcome.Rejected(loaded.Error!), json: false, ConsoleSetup.Error);
        var only = OnlyOption.Read(arguments.Only, graph, engine.Registry);
        if (only.Problem is not null)
            return ValidateCommand.Refuse(only.Problem, ConsoleSetup.Error);
        var validation = engine.Validator.Validate(graph, only.Targets);
        if (validation.HasProblems || validation.Prompt is null)
            return ValidateCommand.Report(validation, json: false, ConsoleSetup.Error);

        int exitCode = ExitCodes.Success;
        bool verbose = parse.GetValue(global.Verbose);
        for (int i = 1; i <= arguments.Repeat && exitCode == ExitCodes.Success; i++)
        {
            if (arguments.Repeat > 1)
                AnsiConsole.MarkupLine($"[bold]run {i} of {arguments.Repeat}[/]");
            var request = new RunRequest(validation.Prompt, Guid.NewGuid().ToString());
            ExecutionInterrupted? interruption = null;
            var result = await ProgressDisplay.ShowAsync(AnsiConsole.Console, listener => engine.RunAsync(request with
            {
                OnEvent = e =>
                {
                    interruption = e as ExecutionInterrupted ?? interruption;
                    listener(e);
                },
            }, cancellation));
            exitCode = Summarize(result, interruption, engine, verbose);
        }
        return exitCode;
    }

    /// <summary>
    /// What ran and the files written by nodes that ran this time (a cached output node wrote nothing), on standard
    /// output; a failure or an interruption on standard error.
    /// </summary>
    private static int Summarize(ExecutionResult result, ExecutionInterrupted? interruption, WorkflowEngine engine, bool verbose)
    {
        AnsiConsole.MarkupLine($"executed {result.Executed.Count} node(s), {result.Cached.Count} from cache");
        foreach (var (nodeId, ui) in result.Outputs.Where(o => result.Executed.Contains(o.Key)))
            foreach (var path in OutputFiles(ui, engine))
                AnsiConsole.MarkupLine($"[green]#{TerminalText.Escape(nodeId)}[/] wrote {TerminalText.Escape(path)}");
        switch (result.Status)
        {
            case ExecutionStatus.Failed:
                Console.Error.WriteLine(FailureText(result.Failure!, verbose));
                return ExitCodes.ExecutionFailed;
            case ExecutionStatus.Interrupted:
                Console.Error.WriteLine(interruption?.NodeId is { } at
                    ? $"interrupted at node #{at} ({interruption.ClassType}); {Finished(result)}"
                    : $"interrupted; {Finished(result)}");
                return ExitCodes.Interrupted;
            default:
                return ExitCodes.Success;
        }
    }

    private static string Finished(ExecutionResult result) => result.Executed.Count == 0
        ? "no node had finished"
        : $"finished before it: {string.Join(", ", result.Executed.Select(id => "#" + id))}";

    /// <summary>The node, and the message naming input and value; with --verbose the exception's type and stack as well.</summary>
    private static string FailureText(ExecutionFailure failure, bool verbose)
    {
        var head = $"node #{failure.NodeId} ({failure.ClassType}) failed: ";
        return verbose
            ? head + $"{failure.ExceptionType}: {failure.ExceptionMessage}" + string.Concat(failure.Traceback.Select(line => Environment.NewLine + line.TrimEnd()))
            : head + failure.ExceptionMessage;
    }

    /// <summary>Files named in UI outputs as <c>{filename, subfolder, type}</c>, as paths under the output/temp/input folders.</summary>
    private static IEnumerable<string> OutputFiles(JsonObject ui, WorkflowEngine engine) =>
        ui.Select(kv => kv.Value).OfType<JsonArray>().SelectMany(a => a).OfType<JsonObject>()
            .Where(o => o["filename"] is not null)
            .Select(o =>
            {
                var root = (string?)o["type"] switch { "temp" => engine.Paths.Temp, "input" => engine.Paths.Input, _ => engine.Paths.Output };
                var path = Path.Combine(root, (string?)o["subfolder"] ?? "", (string)o["filename"]!);
                var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
                return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
            });
}
