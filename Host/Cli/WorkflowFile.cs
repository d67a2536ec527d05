using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Host.Graph;
using Workflow.Host.Validation;

namespace Workflow.Host.Cli;

/// <summary>Reads a workflow file and applies --set NODE.INPUT=VALUE overrides (VALUE is JSON if it parses as JSON, else a string).</summary>
public static class WorkflowFile
{
    /// <summary>The --set option, shared by the commands that read a workflow.</summary>
    public static System.CommandLine.Option<string[]> SetOption() => new("--set")
    {
        Description = "Override an input: NODE.INPUT=VALUE, VALUE as JSON or plain text (repeatable)",
        Arity = System.CommandLine.ArgumentArity.ZeroOrMore,
    };

    public static LoadedWorkflow Load(FileInfo file, IReadOnlyList<string> overrides)
    {
        if (!file.Exists)
            return LoadedWorkflow.Refused(ValidationErrors.InvalidPrompt($"No workflow file at {file.FullName}."));
        var parsed = WorkflowJson.Parse(File.ReadAllBytes(file.FullName));
        if (parsed.Graph is null)
            return LoadedWorkflow.Refused(parsed.Line > 0
                ? ValidationErrors.MalformedJson($"{file.Name}: {parsed.Error}", parsed.Line, parsed.Column)
                : ValidationErrors.InvalidPrompt($"{file.Name}: {parsed.Error}"));
        return overrides.Count == 0 ? new(parsed.Graph, null) : ApplyOverrides(parsed.Graph, overrides);
    }

    private static LoadedWorkflow ApplyOverrides(WorkflowGraph graph, IReadOnlyList<string> overrides)
    {
        var source = (JsonObject)graph.Source.DeepClone();
        foreach (var text in overrides)
        {
            var assignment = ParseAssignment(text);
            if (assignment.Problem is { } problem)
                return LoadedWorkflow.Refused(ValidationErrors.InvalidPrompt(problem));
            if (source[assignment.Node] is not JsonObject node)
                return LoadedWorkflow.Refused(ValidationErrors.InvalidPrompt($"--set {text}: the workflow has no node '{assignment.Node}'."));
            node["inputs"] ??= new JsonObject();
            if (node["inputs"] is not JsonObject inputs)
                return LoadedWorkflow.Refused(ValidationErrors.InvalidPrompt($"--set {text}: node '{assignment.Node}' has inputs that are not an object."));
            inputs[assignment.Input] = assignment.Value;
        }
        var reparsed = WorkflowJson.FromJson(source);
        return reparsed.Graph is null
            ? LoadedWorkflow.Refused(ValidationErrors.InvalidPrompt(reparsed.Error!))
            : new(reparsed.Graph with { ExtraPngInfo = graph.ExtraPngInfo }, null);
    }

    private static Assignment ParseAssignment(string assignment)
    {
        int eq = assignment.IndexOf('=');
        int dot = assignment.IndexOf('.');
        if (eq < 0 || dot < 0 || dot > eq || dot == 0 || eq == dot + 1)
            return Assignment.Refused($"--set {assignment}: expected NODE.INPUT=VALUE, for example 3.seed=42.");
        var text = assignment[(eq + 1)..];
        if (!LooksLikeJson(text))
            return new(assignment[..dot], assignment[(dot + 1)..eq], JsonValue.Create(text), null);
        var parsed = StrictJson.Parse(text);
        return parsed.Error is null
            ? new(assignment[..dot], assignment[(dot + 1)..eq], parsed.Node, null)
            : Assignment.Refused($"--set {Echo.Text(assignment)}: {parsed.Error}");
    }

    /// <summary>One <c>--set NODE.INPUT=VALUE</c>, or why it is not one.</summary>
    private sealed record Assignment(string Node, string Input, JsonNode? Value, string? Problem)
    {
        public static Assignment Refused(string problem) => new("", "", null, problem);
    }

    /// <summary>Whether the text is JSON as far as its syntax goes (what it holds is checked by the strict reader).</summary>
    private static bool LooksLikeJson(string text)
    {
        try
        {
            JsonDocument.Parse(text).Dispose();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>A workflow read from its file with the overrides applied, or the error that stops it.</summary>
public sealed record LoadedWorkflow(WorkflowGraph? Graph, ValidationError? Error)
{
    public static LoadedWorkflow Refused(ValidationError error) => new(null, error);
}
