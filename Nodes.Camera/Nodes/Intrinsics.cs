using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Cameras;

namespace Workflow.Nodes.Camera.Nodes;

/// <summary>Pinhole intrinsics for num_frames frames of a width × height image, in the shapes SANA-WM accepts.</summary>
[Node("Intrinsics", Category = "camera",
      Description = "Camera intrinsics in pixels of the original image, as JSON: [fx, fy, cx, cy] or a 3x3 K for every "
                    + "frame, or per frame as (F, 4) or (F, 3, 3) with F >= num_frames (cut to num_frames).")]
public sealed class Intrinsics : INode, IValidateInputs
{
    public CameraIntrinsics Execute(
        [String(Multiline = true), Input(Tooltip = "[fx, fy, cx, cy], [[fx, 0, cx], [0, fy, cy], [0, 0, 1]], or a list of either, one per frame.")] string values = "",
        [Int(Min = 1, Max = ActionScript.MaxFrames + 1), Input(Tooltip = "Frames to give intrinsics to.")] int numFrames = 161,
        [Int(Min = 1, Max = 65536), Input(Tooltip = "Width in pixels of the image the values refer to.")] int width = 1280,
        [Int(Min = 1, Max = 65536), Input(Tooltip = "Height in pixels of the image the values refer to.")] int height = 704) =>
        InputErrors.Run("values", values, () => Parse(values, numFrames, width, height));

    public IEnumerable<InputProblem> Validate(InputValues literals, NodePaths paths) =>
        InputErrors.Check<string>(literals, "values", text => Parse(text, literals.GetOrDefault<int?>("num_frames") ?? 1, 1, 1));

    private static CameraIntrinsics Parse(string values, int frames, int width, int height)
    {
        if (values.Trim().Length == 0)
            throw new FormatException(
                "intrinsics are required: [fx, fy, cx, cy], a 3x3 K, (F, 4) per-frame [fx, fy, cx, cy] or (F, 3, 3) per-frame K, in original-image pixels");
        return new CameraIntrinsics(IntrinsicsForms.Resolve(NumericArray.FromJson(values), frames), width, height);
    }
}
