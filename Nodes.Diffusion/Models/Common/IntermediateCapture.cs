using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// Receives named intermediate tensors from a forward pass ("down_blocks.0", "mid_block", ...), named as the module
/// whose output they are, so a parity failure can be traced to one block. The receiver clones what it keeps.
/// </summary>
public interface IIntermediateCapture
{
    void Record(string name, Tensor value);
}

/// <summary>Recording from a forward pass that may have no receiver.</summary>
public static class IntermediateCaptureExtensions
{
    /// <summary>Hands <paramref name="value"/> to <paramref name="capture"/> (when there is one) and returns it, so a line can record what it computes.</summary>
    public static Tensor Recorded(this IIntermediateCapture? capture, string name, Tensor value)
    {
        capture?.Record(name, value);
        return value;
    }
}
