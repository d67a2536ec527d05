using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>
/// A low-rank change to one weight (a LoRA layer, ComfyUI's weight_adapter/lora.py): weight + Scale · (Up · Down),
/// the product of the flattened factors reshaped to the weight's shape, so a LoCon conv (a k×k down, a 1×1 up) fits a
/// conv weight. Scale is strength × alpha / rank.
/// </summary>
/// <param name="WeightKey">The weight's key in the module tree (<c>down_blocks.0.attentions.0.proj_in.weight</c>).</param>
public sealed record WeightDelta(string WeightKey, Tensor Up, Tensor Down, double Scale);
