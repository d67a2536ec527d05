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
