using System.Text.Json;

namespace Workflow.Nodes.Camera.Cameras;

/// <summary>A rectangular array of numbers, row-major, with its shape: what np.asarray makes of nested lists or an .npy file.</summary>
internal sealed record NumericArray(IReadOnlyList<int> Shape, double[] Values)
{
    public int Rank => Shape.Count;

    /// <summary>The shape as Python prints a tuple: "(5,)", "(17, 4, 1)".</summary>
    public string ShapeText => Shape.Count == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";

    public bool HasShape(params int[] shape) => Shape.SequenceEqual(shape);

    /// <summary>Parses JSON nested arrays of numbers (or one number); a <see cref="FormatException"/> says what is wrong.</summary>
    public static NumericArray FromJson(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not valid JSON: {ex.Message}");
        }
        using (document)
            return FromJson(document.RootElement);
    }

    public static NumericArray FromJson(JsonElement element)
    {
        var shape = ShapeOf(element);
        var values = new List<double>();
        Flatten(element, shape, 0, values);
        return new NumericArray(shape, [.. values]);
    }

    /// <summary>The shape read along the first element of every level; <see cref="Flatten"/> checks the rest agree.</summary>
    private static List<int> ShapeOf(JsonElement element)
    {
        var shape = new List<int>();
        for (; element.ValueKind == JsonValueKind.Array; element = element.GetArrayLength() > 0 ? element[0] : default)
        {
            shape.Add(element.GetArrayLength());
            if (element.GetArrayLength() == 0)
                break;
        }
        return shape;
    }

    private static void Flatten(JsonElement element, List<int> shape, int depth, List<double> values)
    {
        if (depth == shape.Count)
        {
            if (element.ValueKind != JsonValueKind.Number)
                throw new FormatException($"expected a number, found {element.ValueKind.ToString().ToLowerInvariant()} {element.GetRawText()}");
            values.Add(element.GetDouble());
            return;
        }
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != shape[depth])
            throw new FormatException($"not a rectangular array: expected {shape[depth]} entries at depth {depth}, found {element.GetRawText()}");
        foreach (var item in element.EnumerateArray())
            Flatten(item, shape, depth + 1, values);
    }
}
