using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Vae;

/// <summary>diffusers DownEncoderBlock2D (v0.27.2 unet_2d_blocks.py): resnets without time embedding, then an optional downsampler.</summary>
public sealed class DownEncoderBlock2D : Module
{
    private readonly ModuleList<ResnetBlock2D> _resnets;
    private readonly Downsample2D? _downsampler;

    public DownEncoderBlock2D(int inChannels, int outChannels, int layers, int groups, bool addDownsample)
    {
        _resnets = Register("resnets", new ModuleList<ResnetBlock2D>(Enumerable.Range(0, layers).Select(i =>
            new ResnetBlock2D(i == 0 ? inChannels : outChannels, new ResnetBlock2DConfig(outChannels, TembChannels: null, groups)))));
        if (addDownsample)
            _downsampler = Register("downsamplers", new ModuleList<Downsample2D>(new Downsample2D(outChannels, padding: 0)))[0];
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var resnet in _resnets)
            x = resnet.Forward(x, null);
        if (_downsampler is not null)
            x = _downsampler.Forward(x);
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>diffusers UpDecoderBlock2D: resnets without time embedding, then an optional upsampler.</summary>
public sealed class UpDecoderBlock2D : Module
{
    private readonly ModuleList<ResnetBlock2D> _resnets;
    private readonly Upsample2D? _upsampler;

    public UpDecoderBlock2D(int inChannels, int outChannels, int layers, int groups, bool addUpsample)
    {
        _resnets = Register("resnets", new ModuleList<ResnetBlock2D>(Enumerable.Range(0, layers).Select(i =>
            new ResnetBlock2D(i == 0 ? inChannels : outChannels, new ResnetBlock2DConfig(outChannels, TembChannels: null, groups)))));
        if (addUpsample)
            _upsampler = Register("upsamplers", new ModuleList<Upsample2D>(new Upsample2D(outChannels)))[0];
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var resnet in _resnets)
            x = resnet.Forward(x, null);
        if (_upsampler is not null)
            x = _upsampler.Forward(x);
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// diffusers UNetMidBlock2D as the VAE uses it: resnet, single-head spatial attention with group norm and residual
/// (upcast softmax), resnet.
/// </summary>
public sealed class UNetMidBlock2D : Module
{
    private readonly ModuleList<ResnetBlock2D> _resnets;
    private readonly ModuleList<Attention> _attentions;

    public UNetMidBlock2D(int channels, int groups)
    {
        var resnet = new ResnetBlock2DConfig(channels, TembChannels: null, groups);
        _attentions = Register("attentions", new ModuleList<Attention>(new Attention(new AttentionConfig(
            channels, Heads: 1, DimHead: channels, Bias: true, NormGroups: groups, NormEps: 1e-6, ResidualConnection: true, UpcastSoftmax: true))));
        _resnets = Register("resnets", new ModuleList<ResnetBlock2D>(new ResnetBlock2D(channels, resnet), new ResnetBlock2D(channels, resnet)));
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        x = _resnets[0].Forward(x, null);
        x = _attentions[0].Forward(x);
        return _resnets[1].Forward(x, null).MoveToOuterDisposeScope();
    }
}
