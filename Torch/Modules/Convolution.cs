namespace Workflow.Torch.Modules;

/// <summary>
/// What Conv1d, Conv2d and Conv3d share: keys <c>weight</c> [out, in / groups, k...] and <c>bias</c> [out],
/// with the same kernel size, stride, padding and dilation in every spatial dimension.
/// </summary>
public abstract class Convolution : Module, ITensorModule
{
    protected Convolution(int spatial, long in_channels, long out_channels, long kernel_size, ConvolutionOptions options)
    {
        if (in_channels % options.groups != 0 || out_channels % options.groups != 0)
            throw new ArgumentException($"in_channels ({in_channels}) and out_channels ({out_channels}) must be divisible by groups ({options.groups})");
        Span<long> shape = [out_channels, in_channels / options.groups, kernel_size, kernel_size, kernel_size];
        weight = Parameter("weight", shape[..(2 + spatial)]);
        if (options.bias)
            bias = Parameter("bias", out_channels);
        Options = options;
    }

    public Tensor weight { get; }

    public Tensor? bias { get; }

    protected ConvolutionOptions Options { get; }

    public abstract Tensor Forward(Tensor input);
}

/// <summary>torch.nn.ConvNd's optional arguments, with its defaults.</summary>
public sealed record ConvolutionOptions(long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = true);
