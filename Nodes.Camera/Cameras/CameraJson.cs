using System.Globalization;
using System.Text.Json;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Camera.Cameras;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>
/// A camera as a JSON file other tools can read: <c>{"convention", "c2w": [F][4][4], "intrinsics": [F][4] | null,
/// "image_size": [w, h] | null, "reference_view": bool}</c>. Reading also accepts a bare [F][4][4] array, whose
/// convention the caller gives.
/// </summary>
internal static class CameraJson
{
    /// <summary>The file's text: indented, one pose (or one frame's intrinsics) per line, numbers that read back exactly.</summary>
    public static string Write(Camera camera)
    {
        var intrinsics = camera.Intrinsics;
        var fields = new List<string>
        {
            $"\"convention\": \"{ConventionNames.Of(camera.Convention)}\"",
            $"\"c2w\": {Lines(camera.Poses.Select(PoseJson))}",
            $"\"intrinsics\": {(intrinsics is null ? "null" : Lines(intrinsics.Frames.Select(k => Row(k.Fx, k.Fy, k.Cx, k.Cy))))}",
            $"\"image_size\": {(intrinsics is null ? "null" : $"[{intrinsics.Width}, {intrinsics.Height}]")}",
            $"\"reference_view\": {(camera.AppendsReferenceView ? "true" : "false")}",
        };
        return "{\n  " + string.Join(",\n  ", fields) + "\n}\n";
    }

    /// <summary>Reads a camera; a <see cref="FormatException"/> says what is wrong.</summary>
    public static Camera Read(string json, CameraConvention bareArrayConvention)
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
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? FromObject(document.RootElement)
                : new Camera(bareArrayConvention, PoseArrays.ToPoses(NumericArray.FromJson(document.RootElement)));
    }

    private static string PoseJson(CameraPose pose) => "[" + string.Join(", ", Enumerable.Range(0, 4).Select(r => Row(pose[r, 0], pose[r, 1], pose[r, 2], pose[r, 3]))) + "]";

    /// <summary>Numbers as JSON: shortest round-trip text; −0 is written as 0 (adding +0 turns −0 into +0).</summary>
    private static string Row(params double[] values) => "[" + string.Join(", ", values.Select(v => (v + 0.0).ToString("R", CultureInfo.InvariantCulture))) + "]";

    private static string Lines(IEnumerable<string> items) => "[\n    " + string.Join(",\n    ", items) + "\n  ]";

    private static Camera FromObject(JsonElement root)
    {
        if (!root.TryGetProperty("c2w", out var c2w))
            throw new FormatException("a camera object needs \"c2w\": [F][4][4]");
        var convention = root.TryGetProperty("convention", out var name) && name.ValueKind == JsonValueKind.String
            ? ConventionNames.Parse(name.GetString()!)
            : throw new FormatException("a camera object needs \"convention\": \"opencv\", \"opengl\" or \"blender\"");
        var poses = PoseArrays.ToPoses(NumericArray.FromJson(c2w));
        var referenceView = root.TryGetProperty("reference_view", out var flag) && flag.ValueKind == JsonValueKind.True;
        return new Camera(convention, poses, ReadIntrinsics(root, poses.Count), referenceView);
    }

    private static CameraIntrinsics? ReadIntrinsics(JsonElement root, int frames)
    {
        var values = root.TryGetProperty("intrinsics", out var k) && k.ValueKind != JsonValueKind.Null ? NumericArray.FromJson(k) : null;
        var size = root.TryGetProperty("image_size", out var s) && s.ValueKind != JsonValueKind.Null ? NumericArray.FromJson(s) : null;
        if (values is null && size is null)
            return null;
        if (values is null || size is null || !size.HasShape(2) || size.Values.Any(v => v != Math.Floor(v) || v is < 1 or > int.MaxValue))
            throw new FormatException("\"intrinsics\" [F][4] and \"image_size\" [w, h] (positive integers) come together");
        if (!values.HasShape(frames, 4))
            throw new FormatException($"\"intrinsics\" must be ({frames}, 4) for {frames} poses; got {values.ShapeText}");
        return new CameraIntrinsics(IntrinsicsForms.Resolve(values, frames), (int)size.Values[0], (int)size.Values[1]);
    }
}
