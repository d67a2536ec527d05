using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflow.Host.Graph;

/// <summary>
/// Reads ComfyUI's API format: <c>{"&lt;id&gt;": {"class_type", "inputs", "_meta"}}</c>, also wrapped as
/// <c>{"prompt": {...}, "extra_data": {"extra_pnginfo": {...}}}</c> (a POST /prompt body).
/// A link is a two-element array whose first element is a node id (string, or a number for hand-written files).
/// </summary>
public static class WorkflowJson
{
    /// <summary>
    /// Longest node id: ids are short ("3", "5.1.0"), and every error echoes them (dependent_outputs lists up to 20 ids
    /// per node), so a 100 KB id would swell the error body far past the request.
    /// </summary>
    public const int MaxIdLength = 256;

    public static WorkflowParseResult Parse(ReadOnlySpan<byte> utf8) => FromStrict(StrictJson.Parse(utf8));

    public static WorkflowParseResult Parse(string json) => FromStrict(StrictJson.Parse(json));

    private static WorkflowParseResult FromStrict(StrictJsonResult parsed) => parsed switch
    {
        { Error: { } error } => WorkflowParseResult.Fail(error, parsed.Line, parsed.Column),
        { Node: JsonObject root } => FromJson(root),
        { Node: var other } => WorkflowParseResult.Fail($"A workflow must be a JSON object keyed by node id, not {KindOf(other)}."),
    };

    public static WorkflowParseResult FromJson(JsonObject root)
    {
        var (prompt, extra) = Unwrap(root);
        if (prompt["nodes"] is JsonArray && prompt["links"] is JsonArray)
            return WorkflowParseResult.Fail(
                "This looks like a UI-format workflow (\"nodes\" and \"links\"). Export it with \"Save (API Format)\" in ComfyUI.");
        var nodes = ImmutableSortedDictionary.CreateBuilder<NodeId, WorkflowNode>();
        foreach (var (id, value) in prompt)
        {
            var problem = id.Length > MaxIdLength ? $"has an id of {Echo.Count(id.Length)} characters; ids are at most {MaxIdLength}"
                : value is JsonObject node ? ShapeProblem(node)
                : $"must be an object with class_type and inputs, not {KindOf(value)}";
            if (problem is not null)
                return WorkflowParseResult.Fail($"Node '{Echo.Text(id)}' {problem}.");
            nodes[new NodeId(id)] = ReadNode(new NodeId(id), (JsonObject)value!);
        }
        return WorkflowParseResult.Ok(new WorkflowGraph(nodes.ToImmutable(), prompt, extra));
    }

    private static (JsonObject Prompt, JsonObject? Extra) Unwrap(JsonObject root)
    {
        if (root["prompt"] is JsonObject prompt && prompt["class_type"] is null)
            return (prompt, root["extra_data"] is JsonObject extraData ? extraData["extra_pnginfo"] as JsonObject : null);
        return (root, null);
    }

    /// <summary>What ComfyUI would trip over later with an exception: class_type that is not text, inputs that are not an object.</summary>
    private static string? ShapeProblem(JsonObject node)
    {
        if (node["class_type"] is { } classType && classType.GetValueKind() != JsonValueKind.String)
            return $"has a class_type that is {KindOf(classType)} ({Echo.Text(classType.ToJsonString())}), not a string";
        if (node["inputs"] is { } inputs and not JsonObject)
            return $"has inputs that are {KindOf(inputs)}: inputs must be an object of input names and values";
        return null;
    }

    private static WorkflowNode ReadNode(NodeId id, JsonObject node)
    {
        var classType = node["class_type"]?.GetValue<string>();
        var title = node["_meta"] is JsonObject meta && meta["title"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        var inputs = ImmutableSortedDictionary.CreateBuilder<string, InputValue>(StringComparer.Ordinal);
        foreach (var (name, value) in node["inputs"] as JsonObject ?? [])
            inputs[name] = ReadInput(value);
        return new WorkflowNode(id, classType, inputs.ToImmutable(), title);
    }

    /// <summary>"an array", "a string", ... for messages.</summary>
    private static string KindOf(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };

    private static InputValue ReadInput(JsonNode? value)
    {
        // The frontend wraps list-valued widgets so they are not taken for links.
        if (value is JsonObject wrapped && wrapped.TryGetPropertyValue("__value__", out var inner))
            return new LiteralInput(ToElement(inner));
        if (value is not JsonArray array)
            return new LiteralInput(ToElement(value));
        if (array.Count == 2 && SourceId(array[0]) is { } from && OutputIndex(array[1]) is { } output)
            return new LinkInput(new NodeId(from), output);
        return new MalformedLink(ToElement(array));
    }

    private static string? SourceId(JsonNode? node) => ToElement(node) switch
    {
        { ValueKind: JsonValueKind.String } e => e.GetString(),
        { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    private static int? OutputIndex(JsonNode? node) =>
        ToElement(node) is { ValueKind: JsonValueKind.Number } e && e.TryGetDouble(out var d) && d == Math.Floor(d) && d >= 0 && d <= int.MaxValue
            ? (int)d
            : null;

    /// <summary>A value read from a document already holds its element; only built nodes (--set) are serialized.</summary>
    private static JsonElement ToElement(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<JsonElement>(out var element) ? element : JsonSerializer.SerializeToElement(node);
}

/// <summary>A parsed workflow, or why the file is not one (with line and column for malformed JSON).</summary>
public sealed record WorkflowParseResult(WorkflowGraph? Graph, string? Error, int Line, int Column)
{
    public static WorkflowParseResult Ok(WorkflowGraph graph) => new(graph, null, 0, 0);
    public static WorkflowParseResult Fail(string error, int line = 0, int column = 0) => new(null, error, line, column);
}
