using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// diffusers LTX2VideoCausalConv3d (autoencoder_kl_ltx2.py): a 3×3×3 nn.Conv3d (key <c>conv</c>) with time padded by
/// repeating edge frames instead of zeros: causal repeats frame 0 twice on the left (the encoder), non-causal repeats
/// the first and the last frame once each (the decoder). Height and width are padded by one, with zeros or by reflection
/// (nn.Conv3d's padding_mode, which pads with F.pad before an unpadded convolution).
/// </summary>
internal sealed class LTX2VideoCausalConv3d : Module
{
    private const int KernelSize = 3;

    private readonly Conv3d _conv;
    private readonly SpatialPaddingMode _paddingMode;

    public LTX2VideoCausalConv3d(int inChannels, int outChannels, SpatialPaddingMode paddingMode)
    {
        _conv = Register("conv", new Conv3d(inChannels, outChannels, KernelSize));
        _paddingMode = paddingMode;
    }

    public Tensor Forward(Tensor hiddenStates, bool causal)
    {
        using var scope = torch.NewDisposeScope();
        var padded = PadTime(hiddenStates, causal);
        ReadOnlySpan<long> ones = [1, 1, 1];
        var output = _paddingMode == SpatialPaddingMode.Zeros
            ? F.conv3d(padded, _conv.weight, _conv.bias, ones, [0, KernelSize / 2, KernelSize / 2], ones)
            : F.conv3d(F.pad(padded, [1, 1, 1, 1, 0, 0], PaddingMode.Reflect), _conv.weight, _conv.bias, ones, [0, 0, 0], ones);
        return output.MoveToOuterDisposeScope();
    }

    private static Tensor PadTime(Tensor x, bool causal)
    {
        var first = x.narrow(2, 0, 1);
        if (causal)
            return torch.cat([first.repeat(1, 1, KernelSize - 1, 1, 1), x], dim: 2);
        var last = x.narrow(2, x.shape[2] - 1, 1);
        return torch.cat([first.repeat(1, 1, (KernelSize - 1) / 2, 1, 1), x, last.repeat(1, 1, (KernelSize - 1) / 2, 1, 1)], dim: 2);
    }
}
