using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// diffusers LTX2VideoDownBlock3D (autoencoder_kl_ltx2.py): resnets at the input width, then one downsampler
/// (<c>downsamplers.0</c>) to the block's width, shrinking space, time or both by 2.
/// </summary>
internal sealed class LTX2VideoDownBlock3D : Module
{
    private readonly ModuleList<LTX2VideoResnetBlock3d> _resnets;
    private readonly LTX2VideoDownsampler3d _downsampler;

    public LTX2VideoDownBlock3D(int inChannels, int outChannels, int numLayers, Ltx2DownsampleType downsampleType, SpatialPaddingMode paddingMode)
    {
        _resnets = Register("resnets", new ModuleList<LTX2VideoResnetBlock3d>(Enumerable.Range(0, numLayers)
            .Select(_ => new LTX2VideoResnetBlock3d(inChannels, timestepConditioning: false, paddingMode))));
        var stride = downsampleType switch
        {
            Ltx2DownsampleType.Spatial => (1, 2, 2),
            Ltx2DownsampleType.Temporal => (2, 1, 1),
            _ => (2, 2, 2),
        };
        _downsampler = Register("downsamplers", new ModuleList<LTX2VideoDownsampler3d>(
            new LTX2VideoDownsampler3d(inChannels, outChannels, stride, paddingMode)))[0];
    }

    public Tensor Forward(Tensor hiddenStates, bool causal)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var resnet in _resnets)
            hiddenStates = resnet.Forward(hiddenStates, null, causal);
        return _downsampler.Forward(hiddenStates, causal).MoveToOuterDisposeScope();
    }
}
