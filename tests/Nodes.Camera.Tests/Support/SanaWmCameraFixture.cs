using System.Text.Json.Nodes;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Camera.Tests.Support;

/// <summary>A tensor of the fixture with what its manifest says about comparing it.</summary>
internal sealed record GoldenTensor(string Name, long[] Shape, double[] Values, string Comparison, double Tolerance)
{
    public bool IsExact => Comparison == "exact";
}

/// <summary>
/// ../shared/golden/sanawm-camera, read in place: SANA-WM's camera code (diffusers PR #13881) run on small inputs.
/// JSON case files carry their own tolerances; tensors carry theirs in manifest.json.
/// </summary>
internal static class SanaWmCameraFixture
{
    public const string Name = "sanawm-camera";

    public static JsonObject Json(string file) => JsonNode.Parse(File.ReadAllText(Golden.File(Name, file)))!.AsObject();

    public static JsonArray Cases(string file, string key = "cases") => Json(file)[key]!.AsArray();

    /// <summary>The case indices of a JSON file, with a label, as theory rows.</summary>
    public static TheoryData<int, string> CaseRows(string file, Func<JsonNode, string> label, string key = "cases")
    {
        var rows = new TheoryData<int, string>();
        var cases = Cases(file, key);
        for (var i = 0; i < cases.Count; i++)
            rows.Add(i, label(cases[i]!));
        return rows;
    }

    public static GoldenTensor Tensor(string file, string name)
    {
        var entry = Json("manifest.json")["tensors"]![file]![name]!;
        using var safetensors = SafeTensorsFile.Open(Golden.File(Name, file));
        using var tensor = safetensors.Load(name);
        var comparison = (string)entry["comparison"]!;
        return new GoldenTensor(name, tensor.shape, tensor.ToArray<double>(), comparison,
            comparison == "input" ? 0 : (double)entry["tolerance_max_abs_diff"]!);
    }

    /// <summary>Checks <paramref name="actual"/> against a tensor as its manifest says: bit for bit, or within its tolerance.</summary>
    public static void Expect(string config, GoldenTensor expected, IReadOnlyList<double> actual)
    {
        var what = $"{Name} {config} {expected.Name} ({expected.Comparison})";
        if (expected.IsExact)
            Compare.ExactFloat32(what, expected.Values, actual, expected.Shape);
        else
            Compare.Within(what, expected.Values, actual, expected.Tolerance, expected.Shape);
    }

    public static double[] Doubles(JsonNode? node) => [.. Flatten(node)];

    private static IEnumerable<double> Flatten(JsonNode? node) =>
        node is JsonArray array ? array.SelectMany(Flatten) : [(double)node!];
}
