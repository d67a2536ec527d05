using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// diffusers LTX2VideoDecoder3d (autoencoder_kl_ltx2.py): conv_in from the latents, a mid block, the up blocks (widths,
/// depths and factors read in reverse), RMS norm → (timestep scale/shift) → SiLU → conv_out to out_channels·p·p·p_t,
/// then unpatchify. With timestep conditioning the timestep is first multiplied by the learnt
/// timestep_scale_multiplier; each block embeds it on its own, and the output norm is modulated by the decoder's own
/// time_embedder plus scale_shift_table [2, C].
/// </summary>
internal sealed class LTX2VideoDecoder3d : Module
{
    private readonly LTX2VideoCausalConv3d _convIn, _convOut;
    private readonly LTX2VideoMidBlock3d _midBlock;
    private readonly ModuleList<LTX2VideoUpBlock3d> _upBlocks;
    private readonly PixArtAlphaCombinedTimestepSizeEmbeddings? _timeEmbedder;
    private readonly Tensor? _scaleShiftTable, _timestepScaleMultiplier;
    private readonly int _patchSize, _patchSizeT;
    private readonly bool _isCausal;

    public LTX2VideoDecoder3d(AutoencoderKLLTX2VideoConfig config)
    {
        (_patchSize, _patchSizeT, _isCausal) = (config.PatchSize, config.PatchSizeT, config.DecoderCausal);
        var padding = config.DecoderSpatialPaddingMode;
        bool conditioned = config.TimestepConditioning;
        var widths = config.DecoderBlockOutChannels.Reverse().ToArray();
        var layers = config.DecoderLayersPerBlock.Reverse().ToArray();
        var residual = config.UpsampleResidualValues.Reverse().ToArray();
        var factors = config.UpsampleFactor.Reverse().ToArray();
        var types = config.UpsampleTypes;   // not reversed upstream
        _convIn = Register("conv_in", new LTX2VideoCausalConv3d(config.LatentChannels, widths[0], padding));
        _midBlock = Register("mid_block", new LTX2VideoMidBlock3d(widths[0], layers[0], conditioned, padding));
        _upBlocks = Register("up_blocks", new ModuleList<LTX2VideoUpBlock3d>(widths.Select((width, i) => new LTX2VideoUpBlock3d(
            width / factors[i], layers[i + 1], new Ltx2UpBlockOptions(types[i], residual[i], factors[i], conditioned, padding)))));
        int outputChannel = widths[^1] / factors[^1];
        _convOut = Register("conv_out", new LTX2VideoCausalConv3d(outputChannel, config.OutChannels * _patchSize * _patchSize, padding));
        if (!conditioned)
            return;
        _timestepScaleMultiplier = Parameter("timestep_scale_multiplier");
        _timeEmbedder = Register("time_embedder", new PixArtAlphaCombinedTimestepSizeEmbeddings(outputChannel * 2));
        _scaleShiftTable = Parameter("scale_shift_table", 2, outputChannel);
    }

    /// <summary>Latents [B, L, T, h, w] (denormalised) → video [B, 3, 1 + 8(T − 1), 32h, 32w].</summary>
    /// <param name="temb">The decode timestep [B]; required exactly when the decoder is timestep-conditioned.</param>
    /// <param name="causal">True forces causal padding; false or null leaves the config's decoder_causal.</param>
    public Tensor Forward(Tensor z, Tensor? temb, bool? causal, IIntermediateCapture? capture)
    {
        using var scope = torch.NewDisposeScope();
        bool isCausal = causal == true || _isCausal;
        var hiddenStates = capture.Recorded("conv_in", _convIn.Forward(z, isCausal));
        if (_timestepScaleMultiplier is not null)
            temb = (temb ?? throw new ArgumentException("This VAE decoder is timestep-conditioned: decoding needs a timestep.", nameof(temb)))
                * _timestepScaleMultiplier;
        hiddenStates = capture.Recorded("mid_block", _midBlock.Forward(hiddenStates, temb, isCausal, PrefixedCapture.Of(capture, "mid_block")));
        for (int i = 0; i < _upBlocks.Count; i++)
            hiddenStates = capture.Recorded($"up_blocks.{i}", _upBlocks[i].Forward(hiddenStates, temb, isCausal, PrefixedCapture.Of(capture, $"up_blocks.{i}")));
        hiddenStates = capture.Recorded("norm_out", PerChannelRMSNorm.Forward(hiddenStates));
        if (_timeEmbedder is not null)
            hiddenStates = Modulate(hiddenStates, temb!, capture);
        hiddenStates = capture.Recorded("conv_out", _convOut.Forward(F.silu(hiddenStates), isCausal));
        return Unpatchify(hiddenStates).MoveToOuterDisposeScope();
    }

    /// <summary>h · (1 + scale) + shift, with (shift, scale) = time_embedder(temb) as [B, 2, C] + scale_shift_table.</summary>
    private Tensor Modulate(Tensor hiddenStates, Tensor temb, IIntermediateCapture? capture)
    {
        var embedded = capture.Recorded("time_embedder", _timeEmbedder!.Forward(temb.flatten(), hiddenStates.dtype));
        var table = _scaleShiftTable!.unsqueeze(0).unsqueeze(-1).unsqueeze(-1).unsqueeze(-1);
        var shiftScale = (embedded.view(hiddenStates.shape[0], -1, 1, 1, 1).unflatten(1, 2, -1) + table).unbind(1);
        return hiddenStates * (shiftScale[1] + 1) + shiftScale[0];
    }

    /// <summary>[B, C·p_t·p·p, T, H, W] → [B, C, T·p_t, H·p, W·p], channels read as (C, p_t, p_w, p_h) as the encoder packs them.</summary>
    private Tensor Unpatchify(Tensor x)
    {
        var (batch, frames, height, width) = (x.shape[0], x.shape[2], x.shape[3], x.shape[4]);
        return x.reshape(batch, -1, _patchSizeT, _patchSize, _patchSize, frames, height, width)
            .permute(0, 1, 5, 2, 6, 4, 7, 3).flatten(6, 7).flatten(4, 5).flatten(2, 3);
    }
}
