using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Typed values from an original config YAML, by dotted key ("model.params.timesteps"): a value of the wrong kind or
/// outside what the model can mean is refused with the file and the key, never cast into a .NET conversion error.
/// </summary>
public sealed class YamlValues(JsonObject root, string source)
{
    public string Source => source;

    public double? Number(string key, double min, double max)
    {
        if (Find(key) is not { } node)
            return null;
        var value = node.GetValueKind() == JsonValueKind.Number ? node.GetValue<double>() : throw Invalid(key, node, "must be a number");
        return double.IsFinite(value) && value >= min && value <= max ? value : throw Invalid(key, node, $"must be between {min} and {max}");
    }

    public long? Integer(string key, long min, long max)
    {
        if (Number(key, double.MinValue, double.MaxValue) is not { } value)
            return null;
        return value == Math.Floor(value) && value >= min && value <= max
            ? (long)value
            : throw Invalid(key, Find(key), $"must be a whole number between {min:N0} and {max:N0}");
    }

    public string? Text(string key) => Find(key) switch
    {
        null => null,
        var node when node.GetValueKind() == JsonValueKind.String => node.GetValue<string>(),
        var node => throw Invalid(key, node, "must be text"),
    };

    public JsonObject? Mapping(string key) => Find(key) switch
    {
        null => null,
        JsonObject mapping => mapping,
        var node => throw Invalid(key, node, "must be a mapping"),
    };

    /// <summary>The value at a dotted key, or null where any part of the path is absent (or YAML null).</summary>
    private JsonNode? Find(string key)
    {
        JsonNode? node = root;
        foreach (var part in key.Split('.'))
            node = node is JsonObject mapping ? mapping[part] : null;
        return node;
    }

    private InvalidDataException Invalid(string key, JsonNode? node, string problem) =>
        new($"{source}: {key} = {Describe(node)}: {problem}");

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"'{v.GetValue<string>()}'",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>().ToString("R", CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };
}
