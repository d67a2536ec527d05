using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers KDownsample2D (v0.27.2 models/downsampling.py): every channel filtered on its own by the fixed separable
/// kernel [1, 3, 3, 1]/8 (outer product), reflect padding 1, stride 2. Upstream builds a dense C×C weight that is zero
/// off the diagonal; a depthwise (grouped) convolution computes the same sums without the zeros.
/// </summary>
public sealed class KDownsample2D : Module
{
    private readonly Tensor _kernel;

    public KDownsample2D() => _kernel = Buffer("kernel", KernelOf([1 / 8.0, 3 / 8.0, 3 / 8.0, 1 / 8.0]), persistent: false);

    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var padded = F.pad(x, [1, 1, 1, 1], PaddingMode.Reflect);
        return F.conv2d(padded, DepthwiseWeight(_kernel, x), stride: 2, groups: x.shape[1]).MoveToOuterDisposeScope();
    }

    /// <summary>The 2-D kernel: the outer product of <paramref name="taps"/> with itself, in float32 as upstream's.</summary>
    internal static Tensor KernelOf(double[] taps)
    {
        using var row = torch.tensor(taps.Select(t => (float)t).ToArray(), [1, taps.Length]);
        return row.t().matmul(row);
    }

    /// <summary>The kernel once per channel of <paramref name="x"/>, in its dtype and on its device: [C, 1, k, k].</summary>
    internal static Tensor DepthwiseWeight(Tensor kernel, Tensor x) =>
        kernel.to(x.dtype, x.device).unsqueeze(0).unsqueeze(0).expand(x.shape[1], 1, kernel.shape[0], kernel.shape[1]).contiguous();
}

/// <summary>
/// diffusers KUpsample2D: the transpose of <see cref="KDownsample2D"/> with the kernel doubled ([1, 3, 3, 1]/4):
/// reflect padding 1, then a stride-2 transposed convolution with padding 3, doubling each side.
/// </summary>
public sealed class KUpsample2D : Module
{
    private readonly Tensor _kernel;

    public KUpsample2D() => _kernel = Buffer("kernel", KDownsample2D.KernelOf([1 / 4.0, 3 / 4.0, 3 / 4.0, 1 / 4.0]), persistent: false);

    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var padded = F.pad(x, [1, 1, 1, 1], PaddingMode.Reflect);
        return F.conv_transpose2d(padded, KDownsample2D.DepthwiseWeight(_kernel, x), stride: 2, padding: 3, groups: x.shape[1]).MoveToOuterDisposeScope();
    }
}
