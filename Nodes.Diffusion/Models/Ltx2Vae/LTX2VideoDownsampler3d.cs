using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// diffusers LTX2VideoDownsampler3d (autoencoder_kl_ltx2.py): space-to-depth by the stride (t, h, w) after a causal conv
/// to out / (t·h·w) channels, plus a parameter-free residual: the input's space-to-depth averaged over groups of
/// in·t·h·w / out channels. A temporal stride first repeats the first t − 1 frames so 1 + 2k frames become 1 + k.
/// </summary>
internal sealed class LTX2VideoDownsampler3d : Module
{
    private readonly LTX2VideoCausalConv3d _conv;
    private readonly (int T, int H, int W) _stride;
    private readonly int _groupSize;

    public LTX2VideoDownsampler3d(int inChannels, int outChannels, (int T, int H, int W) stride, SpatialPaddingMode paddingMode)
    {
        _stride = stride;
        int volume = stride.T * stride.H * stride.W;
        _groupSize = inChannels * volume / outChannels;
        _conv = Register("conv", new LTX2VideoCausalConv3d(inChannels, outChannels / volume, paddingMode));
    }

    public Tensor Forward(Tensor hiddenStates, bool causal)
    {
        using var scope = torch.NewDisposeScope();
        if (_stride.T > 1)
            hiddenStates = torch.cat([hiddenStates.narrow(2, 0, _stride.T - 1), hiddenStates], dim: 2);
        var residual = SpaceToDepth(hiddenStates).unflatten(1, -1, _groupSize).mean(2);
        var output = SpaceToDepth(_conv.Forward(hiddenStates, causal)) + residual;
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>[B, C, T, H, W] → [B, C·t·h·w, T/t, H/h, W/w], channels ordered (C, t, h, w).</summary>
    private Tensor SpaceToDepth(Tensor x) =>
        x.unflatten(4, -1, _stride.W).unflatten(3, -1, _stride.H).unflatten(2, -1, _stride.T)
            .permute(0, 1, 3, 5, 7, 2, 4, 6).flatten(1, 4);
}
