using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// ComfyUI's CLIP_VISION_OUTPUT: what the vision tower made of a batch of images, on the CPU. Beside ComfyUI's fields
/// it carries the tower's penultimate states for an all-zero pixel tensor, which IP-Adapter Plus uses as its
/// unconditional feature (diffusers' encode_image, tencent's IPAdapterPlus), so a consumer needs no encoder.
/// </summary>
[SocketType("CLIP_VISION_OUTPUT")]
public sealed class ClipVisionOutput(Tensor imageEmbeds, Tensor lastHiddenState, Tensor penultimateHiddenStates, Tensor zeroPixelsPenultimateHiddenStates)
    : IDisposable, IMemoryFootprint
{
    /// <summary>[B, projection_dim]: the projected class token.</summary>
    public Tensor ImageEmbeds { get; } = imageEmbeds;

    /// <summary>[B, tokens, hidden]: the last layer.</summary>
    public Tensor LastHiddenState { get; } = lastHiddenState;

    /// <summary>[B, tokens, hidden]: the layer before the last (IP-Adapter Plus, ImageDream).</summary>
    public Tensor PenultimateHiddenStates { get; } = penultimateHiddenStates;

    /// <summary>[1, tokens, hidden]: <see cref="PenultimateHiddenStates"/> of zeros_like(pixel_values).</summary>
    public Tensor ZeroPixelsPenultimateHiddenStates { get; } = zeroPixelsPenultimateHiddenStates;

    public long HostBytes => TensorMemory.HostBytes(ImageEmbeds, LastHiddenState, PenultimateHiddenStates, ZeroPixelsPenultimateHiddenStates);

    public long DeviceBytes => TensorMemory.DeviceBytes(ImageEmbeds, LastHiddenState, PenultimateHiddenStates, ZeroPixelsPenultimateHiddenStates);

    public void Dispose()
    {
        ImageEmbeds.Dispose();
        LastHiddenState.Dispose();
        PenultimateHiddenStates.Dispose();
        ZeroPixelsPenultimateHiddenStates.Dispose();
    }
}
