using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>Recording inline in a forward pass: <c>x = capture.Recorded("mid_block", block.Forward(x))</c>.</summary>
public static class IntermediateCaptureExtensions
{
    /// <summary>Records <paramref name="value"/> as <paramref name="name"/> when something captures; returns the value.</summary>
    public static Tensor Recorded(this IIntermediateCapture? capture, string name, Tensor value)
    {
        capture?.Record(name, value);
        return value;
    }
}
