using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// What <see cref="ResnetBlockCondNorm2D"/> is built from (upstream's arguments): <paramref name="Conv2dOutChannels"/>
/// lets the second conv leave with other channels than the block's width (the K-UNet's "middle" up block).
/// </summary>
public sealed record ResnetBlockCondNorm2DConfig(int InChannels, int OutChannels, int TembChannels, int Groups, int GroupsOut,
    double Eps, string NonLinearity, int? Conv2dOutChannels = null, bool ConvShortcutBias = true);

/// <summary>
/// diffusers ResnetBlockCondNorm2D with time_embedding_norm "ada_group" (v0.27.2 models/resnet.py), dropout 0, no
/// up/down sampling, output scale 1: AdaGroupNorm(temb) → act → conv1 → AdaGroupNorm(temb) → act → conv2, plus the
/// input (through a 1x1 conv when the channels change).
/// </summary>
public sealed class ResnetBlockCondNorm2D : Module
{
    private readonly AdaGroupNorm _norm1, _norm2;
    private readonly Conv2d _conv1, _conv2;
    private readonly Conv2d? _convShortcut;
    private readonly Func<Tensor, Tensor> _nonLinearity;

    public ResnetBlockCondNorm2D(ResnetBlockCondNorm2DConfig config)
    {
        int convOut = config.Conv2dOutChannels ?? config.OutChannels;
        _norm1 = Register("norm1", new AdaGroupNorm(config.TembChannels, config.InChannels, config.Groups, config.Eps));
        _conv1 = Register("conv1", new Conv2d(config.InChannels, config.OutChannels, kernel_size: 3, padding: 1));
        _norm2 = Register("norm2", new AdaGroupNorm(config.TembChannels, config.OutChannels, config.GroupsOut, config.Eps));
        _conv2 = Register("conv2", new Conv2d(config.OutChannels, convOut, kernel_size: 3, padding: 1));
        if (config.InChannels != convOut)
            _convShortcut = Register("conv_shortcut", new Conv2d(config.InChannels, convOut, kernel_size: 1, bias: config.ConvShortcutBias));
        _nonLinearity = Activations.Get(config.NonLinearity, "act_fn");
    }

    public Tensor Forward(Tensor input, Tensor temb)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = _conv1.Forward(_nonLinearity(_norm1.Forward(input, temb)));
        hidden = _conv2.Forward(_nonLinearity(_norm2.Forward(hidden, temb)));
        var skip = _convShortcut?.Forward(input) ?? input;
        return (skip + hidden).MoveToOuterDisposeScope();
    }
}
