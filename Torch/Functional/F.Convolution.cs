using Workflow.Torch.Interop;

namespace Workflow.Torch;

// Convolutions and transposed convolutions over 1, 2 or 3 spatial dimensions. Integer arguments apply to
// every spatial dimension; spans give one value per dimension, as PyTorch's int-or-tuple arguments.
public static unsafe partial class F
{
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0,
        long dilation = 1, long groups = 1) =>
        Convolution(input, weight, bias, new ConvolutionShape([stride], [padding], [dilation]), groups);

    public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0,
        long dilation = 1, long groups = 1) =>
        Convolution(input, weight, bias, new ConvolutionShape([stride, stride], [padding, padding], [dilation, dilation]), groups);

    public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias, ReadOnlySpan<long> stride,
        ReadOnlySpan<long> padding, ReadOnlySpan<long> dilation, long groups = 1) =>
        Convolution(input, weight, bias, new ConvolutionShape(stride, padding, dilation, spatial: 2), groups);

    public static Tensor conv3d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0,
        long dilation = 1, long groups = 1) =>
        Convolution(input, weight, bias,
            new ConvolutionShape([stride, stride, stride], [padding, padding, padding], [dilation, dilation, dilation]), groups);

    public static Tensor conv3d(Tensor input, Tensor weight, Tensor? bias, ReadOnlySpan<long> stride,
        ReadOnlySpan<long> padding, ReadOnlySpan<long> dilation, long groups = 1) =>
        Convolution(input, weight, bias, new ConvolutionShape(stride, padding, dilation, spatial: 3), groups);

    public static Tensor conv_transpose1d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1,
        long padding = 0, long output_padding = 0, long groups = 1, long dilation = 1) =>
        TransposedConvolution(input, weight, bias, new ConvolutionShape([stride], [padding], [dilation]), output_padding, groups);

    public static Tensor conv_transpose2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1,
        long padding = 0, long output_padding = 0, long groups = 1, long dilation = 1) =>
        TransposedConvolution(input, weight, bias,
            new ConvolutionShape([stride, stride], [padding, padding], [dilation, dilation]), output_padding, groups);

    public static Tensor conv_transpose3d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1,
        long padding = 0, long output_padding = 0, long groups = 1, long dilation = 1) =>
        TransposedConvolution(input, weight, bias,
            new ConvolutionShape([stride, stride, stride], [padding, padding, padding], [dilation, dilation, dilation]),
            output_padding, groups);

    private static Tensor Convolution(Tensor input, Tensor weight, Tensor? bias, ConvolutionShape shape, long groups)
    {
        fixed (long* s = shape.Stride, p = shape.Padding, d = shape.Dilation)
            return Result(Native.wt_conv(input.Handle, weight.Handle, HandleOf(bias), s, p, d, shape.Spatial, groups),
                input, weight, bias);
    }

    private static Tensor TransposedConvolution(Tensor input, Tensor weight, Tensor? bias, ConvolutionShape shape,
        long outputPadding, long groups)
    {
        // torch 1.13's bfloat16 CPU kernel computes a forward convolution's shape (a 6×6 input, stride 2, gives 2×2, not
        // 14×14): it runs in float32 on the bfloat16 values and is rounded back.
        if (input.dtype == ScalarType.BFloat16 && input.device.Type == DeviceType.CPU)
        {
            using var wideInput = input.to(ScalarType.Float32);
            using var wideWeight = weight.to(ScalarType.Float32);
            using var wideBias = bias?.to(ScalarType.Float32);
            using var wide = TransposedConvolution(wideInput, wideWeight, wideBias, shape, outputPadding, groups);
            return wide.to(ScalarType.BFloat16);
        }
        var output = stackalloc long[] { outputPadding, outputPadding, outputPadding };
        fixed (long* s = shape.Stride, p = shape.Padding, d = shape.Dilation)
            return Result(Native.wt_conv_transpose(input.Handle, weight.Handle, HandleOf(bias), s, p, output, d,
                shape.Spatial, groups), input, weight, bias);
    }

    /// <summary>Stride, padding and dilation, one value per spatial dimension.</summary>
    private readonly ref struct ConvolutionShape
    {
        public readonly ReadOnlySpan<long> Stride, Padding, Dilation;

        public ConvolutionShape(ReadOnlySpan<long> stride, ReadOnlySpan<long> padding, ReadOnlySpan<long> dilation)
            : this(stride, padding, dilation, stride.Length)
        {
        }

        public ConvolutionShape(ReadOnlySpan<long> stride, ReadOnlySpan<long> padding, ReadOnlySpan<long> dilation, int spatial)
        {
            Stride = PerDimension(stride, spatial, nameof(stride));
            Padding = PerDimension(padding, spatial, nameof(padding));
            Dilation = PerDimension(dilation, spatial, nameof(dilation));
        }

        public int Spatial => Stride.Length;

        private static ReadOnlySpan<long> PerDimension(ReadOnlySpan<long> values, int count, string name) =>
            values.Length == count
                ? values
                : throw new ArgumentException($"{name} needs {count} values (one per spatial dimension), got {values.Length}", name);
    }
}
