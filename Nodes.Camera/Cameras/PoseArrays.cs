using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Camera.Cameras;

internal static class PoseArrays
{
    /// <summary>An (F, 4, 4) array of camera-to-world matrices as poses; the shape check and message are SanaWMPipeline.check_inputs'.</summary>
    public static IReadOnlyList<CameraPose> ToPoses(NumericArray array)
    {
        if (array.Rank != 3 || array.Shape[1] != 4 || array.Shape[2] != 4 || array.Shape[0] == 0)
            throw new FormatException($"`c2w` must be `(F, 4, 4)`; got {array.ShapeText}.");
        return [.. Enumerable.Range(0, array.Shape[0]).Select(f => ToPose(array.Values.AsSpan(16 * f, 16), f))];
    }

    private static CameraPose ToPose(ReadOnlySpan<double> matrix, int frame)
    {
        try
        {
            return new CameraPose(matrix);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"frame {frame}: {ex.Message}");
        }
    }
}
