using System.Runtime.InteropServices;

namespace Workflow.Torch.Interop;

// Native/src/nn.cpp, attention.cpp and resample.cpp. Optional tensors are 0.
internal static unsafe partial class Native
{
    [LibraryImport(Library)]
    internal static partial nint wt_conv(nint input, nint weight, nint bias, long* stride, long* padding, long* dilation, int spatial, long groups);

    [LibraryImport(Library)]
    internal static partial nint wt_conv_transpose(nint input, nint weight, nint bias, long* stride, long* padding, long* outputPadding, long* dilation, int spatial, long groups);

    [LibraryImport(Library)]
    internal static partial nint wt_linear(nint input, nint weight, nint bias);

    [LibraryImport(Library)]
    internal static partial nint wt_group_norm(nint input, long groups, nint weight, nint bias, double eps);

    [LibraryImport(Library)]
    internal static partial nint wt_layer_norm(nint input, long* shape, int ndim, nint weight, nint bias, double eps);

    [LibraryImport(Library)]
    internal static partial nint wt_rms_norm(nint input, long* shape, int ndim, nint weight, double* eps);

    [LibraryImport(Library)]
    internal static partial nint wt_silu(nint input);

    [LibraryImport(Library)]
    internal static partial int wt_silu_(nint input);

    [LibraryImport(Library)]
    internal static partial nint wt_relu(nint input);

    [LibraryImport(Library)]
    internal static partial nint wt_gelu(nint input, int approximate);

    [LibraryImport(Library)]
    internal static partial nint wt_softmax(nint input, long dim, int dtype);

    [LibraryImport(Library)]
    internal static partial nint wt_log_softmax(nint input, long dim, int dtype);

    [LibraryImport(Library)]
    internal static partial nint wt_embedding(nint weight, nint indices);

    [LibraryImport(Library)]
    internal static partial nint wt_avg_pool2d(nint input, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad);

    [LibraryImport(Library)]
    internal static partial nint wt_scaled_dot_product_attention(nint query, nint key, nint value, nint mask, int isCausal, double* scale);

    [LibraryImport(Library)]
    internal static partial nint wt_interpolate(nint input, int mode, long* size, double* scales, int count, int alignCorners, int antialias);

    [LibraryImport(Library)]
    internal static partial nint wt_pad(nint input, long* pad, int count, int mode, double value);
}
