using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Resizing;

/// <summary>
/// ComfyUI's bislerp (comfy/utils.py): a bilinear resize that, instead of mixing two neighbouring latent vectors
/// (all channels of a cell) linearly, rotates one into the other (slerp of the unit vectors by the bilinear weight)
/// and mixes their lengths linearly; first along the width, then along the height. The neighbours and weights are
/// those of bilinear interpolation (align_corners false), obtained, as upstream does, by interpolating the index
/// ramps themselves. Nearly parallel vectors (cos &gt; 1 − 1e-5) keep the first; nearly opposite ones
/// (cos &lt; 1e-5 − 1) are mixed linearly; zero vectors normalise to zero. Computed in float32.
/// </summary>
public static class Bislerp
{
    public static Tensor Resize(Tensor samples, long width, long height)
    {
        using var scope = torch.NewDisposeScope();
        var x = samples.to(torch.float32);
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);

        // along the width: neighbours in the last dimension
        var (ratios, first, second) = BilinearNeighbours(w, width, x.device);
        var alongWidth = Pass(x, -1, first.reshape(1, 1, 1, -1).expand(n, c, h, width), second.reshape(1, 1, 1, -1).expand(n, c, h, width),
            ratios.reshape(1, 1, 1, -1).expand(n, 1, h, width));

        // along the height: neighbours in the second-to-last dimension
        (ratios, first, second) = BilinearNeighbours(h, height, x.device);
        var result = Pass(alongWidth, -2, first.reshape(1, 1, -1, 1).expand(n, c, height, width), second.reshape(1, 1, -1, 1).expand(n, c, height, width),
            ratios.reshape(1, 1, -1, 1).expand(n, 1, height, width));
        return result.to(samples.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Gathers both neighbours along <paramref name="dim"/>, slerps each cell's channel vectors, back to [N, C, H', W'].</summary>
    private static Tensor Pass(Tensor x, long dim, Tensor first, Tensor second, Tensor ratios)
    {
        var (n, c, h, w) = (first.shape[0], first.shape[1], first.shape[2], first.shape[3]);
        Tensor Cells(Tensor t) => t.permute(0, 2, 3, 1).reshape(-1, t.shape[1]);
        var mixed = Slerp(Cells(x.gather(dim, first)), Cells(x.gather(dim, second)), Cells(ratios));
        return mixed.reshape(n, h, w, c).permute(0, 3, 1, 2);
    }

    /// <summary>
    /// generate_bilinear_data: the index ramp 0..old−1 resized bilinearly to <paramref name="newLength"/> gives each
    /// output position's left neighbour (truncated) and weight (fraction); the ramp 1..old−1, old−1 gives the right
    /// neighbour, clamped at the edge.
    /// </summary>
    private static (Tensor Ratios, Tensor First, Tensor Second) BilinearNeighbours(long oldLength, long newLength, Device device)
    {
        var ramp = torch.arange(oldLength, dtype: torch.float32, device: device).reshape(1, 1, 1, -1);
        var positions = F.interpolate(ramp, size: [1, newLength], mode: InterpolateMode.Bilinear);
        var ratios = positions - positions.floor();
        var next = ramp + 1;
        next.narrow(3, oldLength - 1, 1).sub_(1);
        var nextPositions = F.interpolate(next, size: [1, newLength], mode: InterpolateMode.Bilinear);
        return (ratios, positions.to(torch.int64), nextPositions.to(torch.int64));
    }

    /// <summary>slerp of the rows of <paramref name="b1"/> towards <paramref name="b2"/> by <paramref name="r"/> [rows, 1], lengths mixed linearly.</summary>
    private static Tensor Slerp(Tensor b1, Tensor b2, Tensor r)
    {
        long c = b1.shape[^1];
        var b1Norms = b1.norm(2, -1, keepdim: true);
        var b2Norms = b2.norm(2, -1, keepdim: true);
        var b1Normalized = (b1 / b1Norms).masked_fill(b1Norms.expand(-1, c).eq(0.0), 0.0);
        var b2Normalized = (b2 / b2Norms).masked_fill(b2Norms.expand(-1, c).eq(0.0), 0.0);

        var dot = (b1Normalized * b2Normalized).sum(1);
        var omega = dot.acos();
        var so = omega.sin();
        var ratio = r.squeeze(1);
        var result = ((ratio.rsub(1.0) * omega).sin() / so).unsqueeze(1) * b1Normalized + ((ratio * omega).sin() / so).unsqueeze(1) * b2Normalized;
        result = result * (b1Norms * r.rsub(1.0) + b2Norms * r).expand(-1, c);

        result = torch.where(dot.gt(1 - 1e-5).unsqueeze(1), b1, result);
        return torch.where(dot.lt(1e-5 - 1).unsqueeze(1), b1 * r.rsub(1.0) + b2 * r, result);
    }
}
