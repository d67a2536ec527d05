using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Host.Graph;

namespace Workflow.Host.Validation;

/// <summary>
/// The error entries, with ComfyUI's exact types, messages and details (execution.py: validate_prompt,
/// validate_inputs), so that clients that read node_errors understand ours.
/// </summary>
public static class ValidationErrors
{
    public static ValidationError MalformedJson(string message, int line, int column) =>
        new("invalid_prompt", "Malformed workflow", message, new JsonObject { ["line"] = line, ["column"] = column });

    public static ValidationError InvalidPrompt(string details) =>
        new("invalid_prompt", "Invalid workflow", details, []);

    public static ValidationError MissingClassType(NodeId id, string? title) =>
        new("missing_node_type", $"Node '{Echo.Text(title ?? $"ID #{id}")}' has no class_type. The workflow may be corrupted or a custom node is missing.",
            $"Node ID '#{Echo.Text(id.Value)}'", new JsonObject { ["node_id"] = Echo.Text(id.Value), ["class_type"] = null, ["node_title"] = OrNull(title) });

    public static ValidationError UnknownClass(NodeId id, string classType, string? title) =>
        new("missing_node_type", $"Node '{Echo.Text(title ?? classType)}' not found. The custom node may not be installed.",
            $"Node ID '#{Echo.Text(id.Value)}'",
            new JsonObject { ["node_id"] = Echo.Text(id.Value), ["class_type"] = Echo.Text(classType), ["node_title"] = Echo.Text(title ?? classType) });

    public static ValidationError NoOutputs() => new("prompt_no_outputs", "Prompt has no outputs", "", []);

    /// <summary>Most errors listed in the details; node_errors holds them all.</summary>
    public const int MaxListedErrors = 20;

    /// <summary>ComfyUI's summary, one line per error, cut after <see cref="MaxListedErrors"/> lines.</summary>
    public static ValidationError OutputsFailed(IReadOnlyCollection<ValidationError> errors)
    {
        var lines = errors.Take(MaxListedErrors).Select(e => $"{e.Message}: {e.Details}");
        if (errors.Count > MaxListedErrors)
            lines = lines.Append($"… and {Echo.Count(errors.Count - MaxListedErrors)} more (see node_errors)");
        return new("prompt_outputs_failed_validation", "Prompt outputs failed validation", string.Join("\n", lines), []);
    }

    public static ValidationError RequiredInputMissing(string input) =>
        new("required_input_missing", "Required input is missing", input, new JsonObject { ["input_name"] = input });

    public static ValidationError BadLinkShape(string input, JsonNode? config, JsonElement received) =>
        new("bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]", input,
            InputExtra(input, config, ("received_value", Echo.Json(received))));

    public static ValidationError LinkToMissingNode(string input, JsonNode? config, LinkInput link) =>
        new("bad_linked_input", "Bad linked input, the linked node does not exist", $"{input}: node '{Echo.Text(link.From.Value)}' is not in the workflow",
            InputExtra(input, config, ("received_value", LinkJson(link))));

    public static ValidationError LinkToMissingOutput(string input, JsonNode? config, LinkInput link, int outputCount) =>
        new("bad_linked_input", "Bad linked input, the linked node has no such output",
            $"{input}: node '{Echo.Text(link.From.Value)}' has {outputCount} output(s), slot {link.Output} requested",
            InputExtra(input, config, ("received_value", LinkJson(link))));

    public static ValidationError ReturnTypeMismatch(string input, JsonNode? config, string received, string expected, LinkInput link) =>
        new("return_type_mismatch", "Return type mismatch between linked nodes", $"{input}, received_type({received}) mismatch input_type({expected})",
            InputExtra(input, config, ("received_type", received), ("linked_node", LinkJson(link))));

    public static ValidationError InvalidInputType(string input, JsonNode? config, string socketType, JsonElement received, string reason) =>
        new("invalid_input_type", $"Failed to convert an input value to a {socketType} value", $"{input}, {Echo.Display(received)}, {reason}",
            InputExtra(input, config, ("received_value", Echo.Json(received)), ("exception_message", reason)));

    public static ValidationError SmallerThanMin(string input, JsonNode? config, JsonElement received, string min) =>
        new("value_smaller_than_min", $"Value {Echo.Display(received)} smaller than min of {min}", input,
            InputExtra(input, config, ("received_value", Echo.Json(received))));

    public static ValidationError BiggerThanMax(string input, JsonNode? config, JsonElement received, string max) =>
        new("value_bigger_than_max", $"Value {Echo.Display(received)} bigger than max of {max}", input,
            InputExtra(input, config, ("received_value", Echo.Json(received))));

    /// <summary>Like ComfyUI, a list longer than 20 (many model files) is not echoed back.</summary>
    public static ValidationError NotInList(string input, JsonNode? config, string received, IReadOnlyList<string> options)
    {
        var listInfo = options.Count > 20 ? $"(list of length {options.Count})" : "[" + string.Join(", ", options.Select(PythonRepr)) + "]";
        return new("value_not_in_list", "Value not in list", $"{input}: {PythonRepr(Echo.Text(received))} not in {listInfo}",
            InputExtra(input, options.Count > 20 ? null : config, ("received_value", Echo.Text(received))));
    }

    public static ValidationError CustomValidationFailed(string input, string message) =>
        new("custom_validation_failed", "Custom validation failed for node", $"{input} - {message}", new JsonObject { ["input_name"] = input });

    /// <summary>A node's own check threw; the traceback (ComfyUI sends Python's) only with <paramref name="stackTrace"/> (--verbose).</summary>
    public static ValidationError ExceptionDuringValidation(Exception ex, bool stackTrace) =>
        new("exception_during_validation", "Exception when validating node", ex.Message, new JsonObject
        {
            ["exception_type"] = ex.GetType().FullName,
            ["traceback"] = new JsonArray((stackTrace ? (ex.StackTrace ?? "").Split('\n') : []).Select(l => (JsonNode)JsonValue.Create(l)).ToArray()),
        });

    /// <summary>One error per cycle, on its lowest node; <paramref name="listed"/> are the first of its <paramref name="size"/> members.</summary>
    public static ValidationError DependencyCycle(NodeId node, string cyclePath, IReadOnlyList<NodeId> listed, int size) =>
        new("dependency_cycle", "Dependency cycle detected", size > listed.Count ? $"{cyclePath} ({Echo.Count(size)} nodes in the cycle)" : cyclePath, new JsonObject
        {
            ["node_id"] = Echo.Text(node.Value),
            ["cycle_nodes"] = new JsonArray(listed.Select(n => (JsonNode)JsonValue.Create(Echo.Text(n.Value))).ToArray()),
            ["cycle_nodes_left_out"] = size - listed.Count,
        });

    private static JsonObject InputExtra(string input, JsonNode? config, params (string Key, JsonNode? Value)[] more)
    {
        var extra = new JsonObject { ["input_name"] = input, ["input_config"] = config?.DeepClone() };
        foreach (var (key, value) in more)
            extra[key] = value;
        return extra;
    }

    private static JsonArray LinkJson(LinkInput link) => [Echo.Text(link.From.Value), link.Output];

    private static JsonNode? OrNull(string? text) => text is null ? null : Echo.Text(text);

    private static string PythonRepr(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
