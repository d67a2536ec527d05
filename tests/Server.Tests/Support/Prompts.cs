using System.Text.Json.Nodes;

namespace Workflow.Server.Tests.Support;

/// <summary>Small API-format prompts over Nodes.Core and the slow test node; the output node is always "9".</summary>
public static class Prompts
{
    /// <summary>a + b, saved as text with the given file prefix.</summary>
    public static JsonObject Sum(long a, long b, string prefix = "sum") => new()
    {
        ["1"] = Node("PrimitiveInt", new JsonObject { ["value"] = a }),
        ["2"] = Node("IntArithmetic", new JsonObject { ["a"] = Link("1"), ["b"] = b, ["operation"] = "add" }),
        ["9"] = Node("SaveText", new JsonObject { ["value"] = Link("2"), ["filename_prefix"] = prefix }),
    };

    /// <summary>A value held up by <c>steps</c> × <c>stepMs</c> of progress steps, then saved.</summary>
    public static JsonObject Slow(long value, int steps, int stepMs, string prefix = "slow", bool preview = false) => new()
    {
        ["1"] = Node("PrimitiveInt", new JsonObject { ["value"] = value }),
        ["2"] = Node("TestSleep", new JsonObject { ["value"] = Link("1"), ["steps"] = steps, ["step_ms"] = stepMs, ["preview"] = preview }),
        ["9"] = Node("SaveText", new JsonObject { ["value"] = Link("2"), ["filename_prefix"] = prefix }),
    };

    public static JsonObject Node(string classType, JsonObject inputs) => new() { ["class_type"] = classType, ["inputs"] = inputs };

    public static JsonArray Link(string from, int output = 0) => [from, output];

    /// <summary>A POST /prompt body.</summary>
    public static JsonObject Body(JsonObject prompt, string? clientId = null) =>
        clientId is null ? new JsonObject { ["prompt"] = prompt } : new JsonObject { ["prompt"] = prompt, ["client_id"] = clientId };
}
