using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// diffusers LTX2VideoUpBlock3d (autoencoder_kl_ltx2.py) for a block that keeps its width (no conv_in): when
/// timestep-conditioned its <c>time_embedder</c> makes the resnets' embedding; one upsampler (<c>upsamplers.0</c>)
/// from C·upscale_factor channels, then the resnets.
/// </summary>
internal sealed class LTX2VideoUpBlock3d : Module
{
    private readonly PixArtAlphaCombinedTimestepSizeEmbeddings? _timeEmbedder;
    private readonly LTX2VideoUpsampler3d _upsampler;
    private readonly ModuleList<LTX2VideoResnetBlock3d> _resnets;

    public LTX2VideoUpBlock3d(int channels, int numLayers, Ltx2UpBlockOptions options)
    {
        if (options.TimestepConditioning)
            _timeEmbedder = Register("time_embedder", new PixArtAlphaCombinedTimestepSizeEmbeddings(channels * 4));
        var stride = options.UpsampleType switch
        {
            Ltx2UpsampleType.Spatial => (1, 2, 2),
            Ltx2UpsampleType.Temporal => (2, 1, 1),
            _ => (2, 2, 2),
        };
        _upsampler = Register("upsamplers", new ModuleList<LTX2VideoUpsampler3d>(new LTX2VideoUpsampler3d(
            channels * options.UpscaleFactor, stride, options.Residual, options.UpscaleFactor, options.PaddingMode)))[0];
        _resnets = Register("resnets", new ModuleList<LTX2VideoResnetBlock3d>(Enumerable.Range(0, numLayers)
            .Select(_ => new LTX2VideoResnetBlock3d(channels, options.TimestepConditioning, options.PaddingMode))));
    }

    public Tensor Forward(Tensor hiddenStates, Tensor? temb, bool causal, IIntermediateCapture? capture)
    {
        using var scope = torch.NewDisposeScope();
        var blockTemb = BlockEmbedding.Of(_timeEmbedder, temb, hiddenStates, capture);
        hiddenStates = _upsampler.Forward(hiddenStates, causal);
        foreach (var resnet in _resnets)
            hiddenStates = resnet.Forward(hiddenStates, blockTemb, causal);
        return hiddenStates.MoveToOuterDisposeScope();
    }
}

/// <summary>An up block's settings from the config: its upsample_type, upsample_residual, upsample_factor, conditioning and padding.</summary>
internal sealed record Ltx2UpBlockOptions(Ltx2UpsampleType UpsampleType, bool Residual, int UpscaleFactor, bool TimestepConditioning, SpatialPaddingMode PaddingMode);
