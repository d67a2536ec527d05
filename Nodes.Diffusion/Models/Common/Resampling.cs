using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers Downsample2D with use_conv (v0.27.2 models/downsampling.py): a stride-2 3x3 conv. With padding 0 (the
/// VAE encoder) the input is first padded by one on the right and bottom only, as LDM did.
/// </summary>
public sealed class Downsample2D : Module
{
    private readonly Conv2d _conv;
    private readonly bool _asymmetricPad;

    public Downsample2D(int channels, int padding)
    {
        _conv = Register("conv", new Conv2d(channels, channels, kernel_size: 3, stride: 2, padding: padding));
        _asymmetricPad = padding == 0;
    }

    public Tensor Forward(Tensor x)
    {
        if (!_asymmetricPad)
            return _conv.Forward(x);
        using var padded = F.pad(x, [0, 1, 0, 1]);
        return _conv.Forward(padded);
    }
}

/// <summary>
/// diffusers Upsample2D with use_conv (v0.27.2 models/upsampling.py): nearest ×2 (or to the skip connection's size when
/// the UNet was given an odd-sized input), then a 3x3 conv.
/// </summary>
public sealed class Upsample2D : Module
{
    private readonly Conv2d _conv;

    public Upsample2D(int channels) => _conv = Register("conv", new Conv2d(channels, channels, kernel_size: 3, padding: 1));

    public Tensor Forward(Tensor x, long[]? outputSize = null)
    {
        using var upsampled = outputSize is null
            ? F.interpolate(x, scale_factor: 2.0, mode: InterpolateMode.Nearest)
            : F.interpolate(x, size: outputSize, mode: InterpolateMode.Nearest);
        return _conv.Forward(upsampled);
    }
}
