using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// diffusers LTX2VideoUpsampler3d (autoencoder_kl_ltx2.py): a causal conv to C·t·h·w / upscale_factor channels, then
/// depth-to-space by the stride (t, h, w), dropping the first t − 1 frames (so 1 + k frames become 1 + 2k). With
/// residual, the input's own depth-to-space, its channels repeated t·h·w / upscale_factor times, is added.
/// </summary>
internal sealed class LTX2VideoUpsampler3d : Module
{
    private readonly LTX2VideoCausalConv3d _conv;
    private readonly (int T, int H, int W) _stride;
    private readonly bool _residual;
    private readonly int _repeats;

    public LTX2VideoUpsampler3d(int inChannels, (int T, int H, int W) stride, bool residual, int upscaleFactor, SpatialPaddingMode paddingMode)
    {
        (_stride, _residual) = (stride, residual);
        int volume = stride.T * stride.H * stride.W;
        _repeats = volume / upscaleFactor;
        _conv = Register("conv", new LTX2VideoCausalConv3d(inChannels, inChannels * volume / upscaleFactor, paddingMode));
    }

    public Tensor Forward(Tensor hiddenStates, bool causal)
    {
        using var scope = torch.NewDisposeScope();
        var output = DepthToSpace(_conv.Forward(hiddenStates, causal)).slice(2, _stride.T - 1);
        if (_residual)
            output = output + DepthToSpace(hiddenStates).repeat(1, _repeats, 1, 1, 1).slice(2, _stride.T - 1);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>[B, C·t·h·w, T, H, W] → [B, C, T·t, H·h, W·w], channels read as (C, t, h, w).</summary>
    private Tensor DepthToSpace(Tensor x)
    {
        var (batch, frames, height, width) = (x.shape[0], x.shape[2], x.shape[3], x.shape[4]);
        return x.reshape(batch, -1, _stride.T, _stride.H, _stride.W, frames, height, width)
            .permute(0, 1, 5, 2, 6, 3, 7, 4).flatten(6, 7).flatten(4, 5).flatten(2, 3);
    }
}
