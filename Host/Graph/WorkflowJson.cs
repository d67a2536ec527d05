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
    public static WorkflowParseResult Parse(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            // The reader's message ends with its own zero-based " LineNumber: … | BytePositionInLine: …": said better here.
            var reason = ex.Message.Split(" LineNumber:")[0];
            return WorkflowParseResult.Fail(
                $"Malformed JSON at line {ex.LineNumber + 1}, column {ex.BytePositionInLine + 1}: {reason}",
                (int)(ex.LineNumber + 1 ?? 0), (int)(ex.BytePositionInLine + 1 ?? 0));
        }
        return root is JsonObject obj ? FromJson(obj) : WorkflowParseResult.Fail("A workflow must be a JSON object keyed by node id.");
    }

    public static WorkflowParseResult FromJson(JsonObject root)
    {
        var (prompt, extra) = Unwrap(root);
        if (prompt is null)
            return WorkflowParseResult.Fail(
                "This looks like a UI-format workflow (\"nodes\" and \"links\"). Export it with \"Save (API Format)\" in ComfyUI.");
        var nodes = ImmutableSortedDictionary.CreateBuilder<NodeId, WorkflowNode>();
        foreach (var (id, value) in prompt)
        {
            if (value is not JsonObject node)
                return WorkflowParseResult.Fail($"Node '{id}' must be an object with class_type and inputs.");
            nodes[new NodeId(id)] = ReadNode(new NodeId(id), node);
        }
        return WorkflowParseResult.Ok(new WorkflowGraph(nodes.ToImmutable(), prompt, extra));
    }

    private static (JsonObject? Prompt, JsonObject? Extra) Unwrap(JsonObject root)
    {
        if (root["prompt"] is JsonObject prompt && root["prompt"]?["class_type"] is null)
            return (prompt, root["extra_data"]?["extra_pnginfo"] as JsonObject);
        if (root["nodes"] is JsonArray && root["links"] is JsonArray)
            return (null, null);
        return (root, null);
    }

    private static WorkflowNode ReadNode(NodeId id, JsonObject node)
    {
        var classType = node["class_type"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var title = node["_meta"]?["title"] is JsonValue t && t.TryGetValue<string>(out var ts) ? ts : null;
        var inputs = ImmutableSortedDictionary.CreateBuilder<string, InputValue>(StringComparer.Ordinal);
        if (node["inputs"] is JsonObject inputObject)
            foreach (var (name, value) in inputObject)
                inputs[name] = ReadInput(value);
        return new WorkflowNode(id, classType, inputs.ToImmutable(), title);
    }

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

    private static JsonElement ToElement(JsonNode? node) => JsonSerializer.SerializeToElement(node);
}

/// <summary>A parsed workflow, or why the file is not one (with line and column for malformed JSON).</summary>
public sealed record WorkflowParseResult(WorkflowGraph? Graph, string? Error, int Line, int Column)
{
    public static WorkflowParseResult Ok(WorkflowGraph graph) => new(graph, null, 0, 0);
    public static WorkflowParseResult Fail(string error, int line = 0, int column = 0) => new(null, error, line, column);
}
