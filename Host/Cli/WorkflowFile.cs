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

    public static (WorkflowGraph? Graph, ValidationError? Error) Load(FileInfo file, IReadOnlyList<string> overrides)
    {
        if (!file.Exists)
            return (null, ValidationErrors.InvalidPrompt($"No workflow file at {file.FullName}."));
        var parsed = WorkflowJson.Parse(File.ReadAllBytes(file.FullName));
        if (parsed.Graph is null)
            return (null, parsed.Line > 0
                ? ValidationErrors.MalformedJson($"{file.Name}: {parsed.Error}", parsed.Line, parsed.Column)
                : ValidationErrors.InvalidPrompt($"{file.Name}: {parsed.Error}"));
        return overrides.Count == 0 ? (parsed.Graph, null) : ApplyOverrides(parsed.Graph, overrides);
    }

    private static (WorkflowGraph?, ValidationError?) ApplyOverrides(WorkflowGraph graph, IReadOnlyList<string> overrides)
    {
        var source = (JsonObject)graph.Source.DeepClone();
        foreach (var assignment in overrides)
        {
            var (nodeId, input, value, problem) = ParseAssignment(assignment);
            if (problem is not null)
                return (null, ValidationErrors.InvalidPrompt(problem));
            if (source[nodeId!] is not JsonObject node)
                return (null, ValidationErrors.InvalidPrompt($"--set {assignment}: the workflow has no node '{nodeId}'."));
            node["inputs"] ??= new JsonObject();
            if (node["inputs"] is not JsonObject inputs)
                return (null, ValidationErrors.InvalidPrompt($"--set {assignment}: node '{nodeId}' has inputs that are not an object."));
            inputs[input!] = value;
        }
        var reparsed = WorkflowJson.FromJson(source);
        return reparsed.Graph is null
            ? (null, ValidationErrors.InvalidPrompt(reparsed.Error!))
            : (reparsed.Graph with { ExtraPngInfo = graph.ExtraPngInfo }, null);
    }

    private static (string? Node, string? Input, JsonNode? Value, string? Problem) ParseAssignment(string assignment)
    {
        int eq = assignment.IndexOf('=');
        int dot = assignment.IndexOf('.');
        if (eq < 0 || dot < 0 || dot > eq || dot == 0 || eq == dot + 1)
            return (null, null, null, $"--set {assignment}: expected NODE.INPUT=VALUE, for example 3.seed=42.");
        var text = assignment[(eq + 1)..];
        if (!LooksLikeJson(text))
            return (assignment[..dot], assignment[(dot + 1)..eq], JsonValue.Create(text), null);
        var parsed = StrictJson.Parse(text);
        return parsed.Error is null
            ? (assignment[..dot], assignment[(dot + 1)..eq], parsed.Node, null)
            : (null, null, null, $"--set {Echo.Text(assignment)}: {parsed.Error}");
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
