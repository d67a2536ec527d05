namespace Workflow.Torch.Modules;

/// <summary>torch.nn.Conv2d with a square kernel, with its arguments and defaults.</summary>
public sealed class Conv2d : Convolution
{
    public Conv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0,
        long dilation = 1, long groups = 1, bool bias = true)
        : base(2, in_channels, out_channels, kernel_size, new ConvolutionOptions(stride, padding, dilation, groups, bias))
    {
    }

    public override Tensor Forward(Tensor input) =>
        F.conv2d(input, WeightOverrides.Resolve(weight), bias, Options.stride, Options.padding, Options.dilation, Options.groups);
}
