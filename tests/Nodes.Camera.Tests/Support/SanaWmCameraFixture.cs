using System.Text.Json.Nodes;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Camera.Tests.Support;

/// <summary>
/// ../shared/golden/sanawm-camera, read in place: SANA-WM's camera code (diffusers PR #13881) run on small inputs.
/// JSON case files carry their own tolerances; tensors carry theirs in manifest.json (read through GoldenTensors).
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

    /// <summary>A stored tensor's values (as float64) and shape, for inputs.</summary>
    public static (double[] Values, long[] Shape) Input(GoldenTensors golden, string name)
    {
        using var tensor = golden.Load(name);
        return (tensor.ToArray<double>(), tensor.shape);
    }

    /// <summary>
    /// Checks values computed in double against a stored tensor as the manifest says. 'exact' entries hold float32
    /// values upstream computed or cast, so ours are rounded to float32 before they must agree to the bit.
    /// </summary>
    public static void AssertMatches(GoldenTensors golden, string name, IReadOnlyList<double> values)
    {
        using var scope = torch.NewDisposeScope();
        var actual = torch.tensor<double>([.. values], golden.Load(name).shape);
        golden.AssertMatches(name, golden.Tolerance(name) == 0 ? actual.to(ScalarType.Float32) : actual);
    }

    public static double[] Doubles(JsonNode? node) => [.. Flatten(node)];

    private static IEnumerable<double> Flatten(JsonNode? node) =>
        node is JsonArray array ? array.SelectMany(Flatten) : [(double)node!];
}
