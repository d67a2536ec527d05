using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers ResnetBlock2D (v0.27.2 models/resnet.py) with time_embedding_norm="default", no up/down sampling,
/// dropout 0: GroupNorm → SiLU → conv, plus the projected time embedding, GroupNorm → SiLU → conv, plus the skip.
/// </summary>
public sealed record ResnetBlock2DConfig(int? OutChannels = null, int? TembChannels = 512, int Groups = 32, double Eps = 1e-6, double OutputScaleFactor = 1.0);

public sealed class ResnetBlock2D : Module
{
    private readonly GroupNorm _norm1, _norm2;
    private readonly Conv2d _conv1, _conv2;
    private readonly Linear? _timeEmbProj;       // absent in the VAE (no time embedding)
    private readonly Conv2d? _convShortcut;      // 1x1 when the channel count changes
    private readonly double _outputScale;

    public ResnetBlock2D(int inChannels, ResnetBlock2DConfig config)
    {
        int outChannels = config.OutChannels ?? inChannels;
        _norm1 = Register("norm1", new GroupNorm(config.Groups, inChannels, config.Eps));
        _conv1 = Register("conv1", new Conv2d(inChannels, outChannels, kernel_size: 3, padding: 1));
        if (config.TembChannels is int temb)
            _timeEmbProj = Register("time_emb_proj", new Linear(temb, outChannels));
        _norm2 = Register("norm2", new GroupNorm(config.Groups, outChannels, config.Eps));
        _conv2 = Register("conv2", new Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1));
        if (inChannels != outChannels)
            _convShortcut = Register("conv_shortcut", new Conv2d(inChannels, outChannels, kernel_size: 1));
        _outputScale = config.OutputScaleFactor;
    }

    public Tensor Forward(Tensor x, Tensor? temb)
    {
        using var scope = torch.NewDisposeScope();
        var h = _conv1.Forward(F.silu(_norm1.Forward(x)));
        if (_timeEmbProj is not null && temb is not null)
            h = h + _timeEmbProj.Forward(F.silu(temb)).unsqueeze(-1).unsqueeze(-1);
        h = _conv2.Forward(F.silu(_norm2.Forward(h)));
        var skip = _convShortcut?.Forward(x) ?? x;
        var output = _outputScale == 1.0 ? skip + h : (skip + h) / _outputScale;
        return output.MoveToOuterDisposeScope();
    }
}
