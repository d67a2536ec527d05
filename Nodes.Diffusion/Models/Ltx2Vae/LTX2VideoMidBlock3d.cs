using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// diffusers LTX2VideoMidBlock3d (autoencoder_kl_ltx2.py): resnets at one width; when timestep-conditioned, its own
/// <c>time_embedder</c> turns the (scaled) timestep into the 4·C scale/shift embedding its resnets share.
/// </summary>
internal sealed class LTX2VideoMidBlock3d : Module
{
    private readonly ModuleList<LTX2VideoResnetBlock3d> _resnets;
    private readonly PixArtAlphaCombinedTimestepSizeEmbeddings? _timeEmbedder;

    public LTX2VideoMidBlock3d(int channels, int numLayers, bool timestepConditioning, SpatialPaddingMode paddingMode)
    {
        if (timestepConditioning)
            _timeEmbedder = Register("time_embedder", new PixArtAlphaCombinedTimestepSizeEmbeddings(channels * 4));
        _resnets = Register("resnets", new ModuleList<LTX2VideoResnetBlock3d>(Enumerable.Range(0, numLayers)
            .Select(_ => new LTX2VideoResnetBlock3d(channels, timestepConditioning, paddingMode))));
    }

    public Tensor Forward(Tensor hiddenStates, Tensor? temb, bool causal, IIntermediateCapture? capture)
    {
        using var scope = torch.NewDisposeScope();
        var blockTemb = BlockEmbedding.Of(_timeEmbedder, temb, hiddenStates, capture);
        foreach (var resnet in _resnets)
            hiddenStates = resnet.Forward(hiddenStates, blockTemb, causal);
        return hiddenStates.MoveToOuterDisposeScope();
    }
}
