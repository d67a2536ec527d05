using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// Hands a block's intermediates on under the block's dotted name ("decoder.mid_block" + "time_embedder"), so a block
/// records what it owns without knowing where it sits in the model.
/// </summary>
public sealed class PrefixedCapture(IIntermediateCapture inner, string prefix) : IIntermediateCapture
{
    public void Record(string name, Tensor value) => inner.Record($"{prefix}.{name}", value);

    /// <summary>The capture for the child <paramref name="name"/> of <paramref name="capture"/>, or null when nothing is captured.</summary>
    public static IIntermediateCapture? Of(IIntermediateCapture? capture, string name) =>
        capture is null ? null : new PrefixedCapture(capture, name);
}
