using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// diffusers LTX2VideoEncoder3d (autoencoder_kl_ltx2.py): patchify (p × p pixels, p_t frames into channels), conv_in to
/// the latent width, the down blocks, a mid block, RMS norm → SiLU → conv_out to latent_channels + 1 (a mean per
/// channel and one shared log-variance), whose last channel is repeated to make 2 · latent_channels moments.
/// </summary>
internal sealed class LTX2VideoEncoder3d : Module
{
    private readonly LTX2VideoCausalConv3d _convIn, _convOut;
    private readonly ModuleList<LTX2VideoDownBlock3D> _downBlocks;
    private readonly LTX2VideoMidBlock3d _midBlock;
    private readonly int _patchSize, _patchSizeT;
    private readonly bool _isCausal;

    public LTX2VideoEncoder3d(AutoencoderKLLTX2VideoConfig config)
    {
        (_patchSize, _patchSizeT, _isCausal) = (config.PatchSize, config.PatchSizeT, config.EncoderCausal);
        var padding = config.EncoderSpatialPaddingMode;
        var widths = config.BlockOutChannels;
        var types = config.DownsampleTypes;
        _convIn = Register("conv_in", new LTX2VideoCausalConv3d(config.InChannels * _patchSize * _patchSize, config.LatentChannels, padding));
        _downBlocks = Register("down_blocks", new ModuleList<LTX2VideoDownBlock3D>(widths.Select((width, i) =>
            new LTX2VideoDownBlock3D(i == 0 ? config.LatentChannels : widths[i - 1], width, config.LayersPerBlock[i], types[i], padding))));
        _midBlock = Register("mid_block", new LTX2VideoMidBlock3d(widths[^1], config.LayersPerBlock[^1], timestepConditioning: false, padding));
        _convOut = Register("conv_out", new LTX2VideoCausalConv3d(widths[^1], config.LatentChannels + 1, padding));
    }

    /// <summary>Video [B, C, F, H, W] in [-1, 1] → moments [B, 2L, 1 + (F − 1)/8, H/32, W/32] (LTX-2's compression).</summary>
    /// <param name="causal">True forces causal padding; false or null leaves the config's encoder_causal (upstream's `causal or self.is_causal`).</param>
    public Tensor Forward(Tensor hiddenStates, bool? causal, IIntermediateCapture? capture)
    {
        using var scope = torch.NewDisposeScope();
        bool isCausal = causal == true || _isCausal;
        hiddenStates = capture.Recorded("conv_in", _convIn.Forward(Patchify(hiddenStates), isCausal));
        for (int i = 0; i < _downBlocks.Count; i++)
            hiddenStates = capture.Recorded($"down_blocks.{i}", _downBlocks[i].Forward(hiddenStates, isCausal));
        hiddenStates = capture.Recorded("mid_block", _midBlock.Forward(hiddenStates, null, isCausal, null));
        hiddenStates = capture.Recorded("norm_out", PerChannelRMSNorm.Forward(hiddenStates));
        hiddenStates = capture.Recorded("conv_out", _convOut.Forward(F.silu(hiddenStates), isCausal));
        var lastChannel = hiddenStates.narrow(1, hiddenStates.shape[1] - 1, 1).repeat(1, hiddenStates.shape[1] - 2, 1, 1, 1);
        return torch.cat([hiddenStates, lastChannel], dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>[B, C, F, H, W] → [B, C·p_t·p·p, F/p_t, H/p, W/p] with channels ordered (C, p_t, p_w, p_h), upstream's order.</summary>
    private Tensor Patchify(Tensor x)
    {
        var (batch, channels, frames, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4]);
        return x.reshape(batch, channels, frames / _patchSizeT, _patchSizeT, height / _patchSize, _patchSize, width / _patchSize, _patchSize)
            .permute(0, 1, 3, 7, 5, 2, 4, 6).flatten(1, 4);
    }
}
