using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Workflow.Host.Validation;

namespace Workflow.Host.Cli;

/// <summary>
/// <c>workflow validate FILE [--set NODE.INPUT=VALUE]... [--only ID]... [--json]</c>: prints every problem (ComfyUI's
/// error JSON with --json); exits 2 on any.
/// </summary>
public static class ValidateCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(GlobalOptions global)
    {
        var file = new Argument<FileInfo>("file") { Description = "Workflow in ComfyUI API format (JSON)" };
        var json = new Option<bool>("--json") { Description = "Print {\"error\", \"node_errors\"} as POST /prompt would" };
        var set = WorkflowFile.SetOption();
        var only = OnlyOption.Create();
        var command = new Command("validate", "Check a workflow without running it") { file, set, only, json };
        command.SetAction(parse =>
        {
            using var loggers = global.CreateLoggerFactory(parse);
            var engine = global.CreateEngine(parse, loggers);
            var loaded = WorkflowFile.Load(parse.GetValue(file)!, parse.GetValue(set) ?? []);
            if (loaded.Graph is not { } graph)
                return Report(ValidationOutcome.Rejected(loaded.Error!), parse.GetValue(json));
            var targets = OnlyOption.Read(parse.GetValue(only) ?? [], graph, engine.Registry);
            return targets.Problem is { } problem ? Refuse(problem) : Report(engine.Validator.Validate(graph, targets.Targets), parse.GetValue(json));
        });
        return command;
    }

    /// <summary>A command line that cannot be acted on: the reason on <paramref name="console"/> (standard output by default), and exit 1.</summary>
    public static int Refuse(string problem, IAnsiConsole? console = null)
    {
        (console ?? AnsiConsole.Console).MarkupLine($"[red]{TerminalText.Escape(problem)}[/]");
        return ExitCodes.Usage;
    }

    /// <summary>
    /// The outcome: validate's output on standard output; <c>run</c> passes standard error, where a refused workflow's
    /// problems belong beside a failed node's message.
    /// </summary>
    public static int Report(ValidationOutcome result, bool json, IAnsiConsole? console = null)
    {
        var to = console ?? AnsiConsole.Console;
        if (json)
            Console.WriteLine(result.ToJson().ToJsonString(Indented));
        else if (!result.HasProblems)
            to.MarkupLine("[green]valid[/]");
        else
            PrintProblems(result, to);
        return result.HasProblems ? ExitCodes.InvalidWorkflow : ExitCodes.Success;
    }

    private static void PrintProblems(ValidationOutcome result, IAnsiConsole console)
    {
        if (result.Error is { } error)
            console.MarkupLine($"[red]{TerminalText.Escape(error.Message)}[/] {TerminalText.Escape(error.Details)}");
        foreach (var (id, node) in result.NodeErrors)
            foreach (var e in node.Errors)
                console.MarkupLine($"  [red]#{TerminalText.Escape(id)} {TerminalText.Escape(node.ClassType)}[/]: {TerminalText.Escape(e.Message)}: {TerminalText.Escape(e.Details)}");
    }
}
