namespace Workflow.Torch.Modules;

/// <summary>torch.nn.Conv1d, with its arguments and defaults.</summary>
public sealed class Conv1d : Convolution
{
    public Conv1d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0,
        long dilation = 1, long groups = 1, bool bias = true)
        : base(1, in_channels, out_channels, kernel_size, new ConvolutionOptions(stride, padding, dilation, groups, bias))
    {
    }

    public override Tensor Forward(Tensor input) =>
        F.conv1d(input, WeightOverrides.Resolve(weight), bias, Options.stride, Options.padding, Options.dilation, Options.groups);
}
