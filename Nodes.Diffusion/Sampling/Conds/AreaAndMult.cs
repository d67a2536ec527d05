using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.Conds;

/// <summary>
/// ComfyUI's get_area_and_mult (comfy/samplers.py): whether an entry applies at σ, the latent cut to its area (the
/// box clamped to the latent), and its weights: the mask (cut to the area and the batch, times mask_strength) or ones,
/// times strength; an area without a mask fades in over up to 8 cells (a quarter of its side) from each edge that is
/// not the latent's edge. Tensors are made in the caller's dispose scope.
/// </summary>
public static class AreaAndMult
{
    private const int Fuzz = 8;

    public static CondChunk? Of(SamplingCond cond, Tensor x, float sigma, int prompt)
    {
        if (!cond.AppliesAt(sigma))
            return null;
        long batch = x.shape[0];
        var area = cond.Area is { } a ? a with { Height = (int)Math.Min(x.shape[2] - a.Y, a.Height), Width = (int)Math.Min(x.shape[3] - a.X, a.Width) } : null;
        var inputX = area is null ? x : x.narrow(2, area.Y, area.Height).narrow(3, area.X, area.Width);
        var mask = cond.Mask is { } m ? MaskWeights(m, area, inputX, cond.MaskStrength) : torch.ones_like(inputX);
        var mult = mask * cond.Strength;
        if (cond.Mask is null && area is not null)
            Feather(mult, area, x);
        var conds = new ModelConds(RepeatToBatch(cond.Model.CrossAttn, batch), cond.Model.Pooled is { } pooled ? RepeatToBatch(pooled, batch) : null);
        return new CondChunk(inputX, mult, conds, area, prompt);
    }

    private static Tensor MaskWeights(Tensor mask, LatentArea? area, Tensor inputX, double maskStrength)
    {
        var m = mask.narrow(0, 0, Math.Min(mask.shape[0], inputX.shape[0]));
        if (area is not null)
            m = m.narrow(1, area.Y, area.Height).narrow(2, area.X, area.Width);
        m = m * maskStrength;
        return m.unsqueeze(1).repeat(inputX.shape[0] / m.shape[0], inputX.shape[1], 1, 1);
    }

    /// <summary>The fade at the area's inner edges, in place, row by row as ComfyUI multiplies (overlapping rows twice).</summary>
    private static void Feather(Tensor mult, LatentArea area, Tensor x)
    {
        long[] size = [area.Height, area.Width], offset = [area.Y, area.X];
        for (int i = 0; i < 2; i++)
        {
            long rr = Math.Min(Fuzz, mult.shape[2 + i] / 4);
            for (long t = 0; offset[i] != 0 && t < rr; t++)
                mult.narrow(2 + i, t, 1).mul_(1.0 / rr * (t + 1));
            for (long t = 0; size[i] + offset[i] < x.shape[2 + i] && t < rr; t++)
                mult.narrow(2 + i, size[i] - 1 - t, 1).mul_(1.0 / rr * (t + 1));
        }
    }

    /// <summary>comfy.utils.repeat_to_batch_size: cut to the batch, or repeated and cut.</summary>
    public static Tensor RepeatToBatch(Tensor tensor, long batch)
    {
        long rows = tensor.shape[0];
        if (rows == batch)
            return tensor.alias();
        if (rows > batch)
            return tensor.narrow(0, 0, batch);
        long[] repeats = [(batch + rows - 1) / rows, .. Enumerable.Repeat(1L, (int)tensor.ndim - 1)];
        return tensor.repeat(repeats).narrow(0, 0, batch);
    }
}
