using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.MultiView;

/// <summary>
/// ImageDream's pixel mode keeps one slot per sample for the reference image: the last of its F views (rows are
/// (B·F), view index fastest). These put latents into that slot and take the slot out again.
/// </summary>
public static class ReferenceSlot
{
    /// <summary>
    /// x[(F−1)::F] = references (openaimodel.forward's ip_img), on a copy: <paramref name="references"/> [B, C, h, w] for
    /// the B samples of <paramref name="x"/> [B·F, C', h, w]. Where x carries extra input channels after the latent's
    /// (C' &gt; C), the slot keeps its own there.
    /// </summary>
    public static Tensor Overwrite(Tensor x, Tensor references, int frames)
    {
        long samples = x.shape[0] / frames, channels = references.shape[1];
        if (references.shape[0] != samples || channels > x.shape[1] || !references.shape[2..].SequenceEqual(x.shape[2..]))
            throw new ArgumentException($"Reference latents [{string.Join(", ", references.shape)}] do not fit {samples} samples of [{string.Join(", ", x.shape[1..])}] latents.");
        using var scope = torch.NewDisposeScope();
        var perSample = x.reshape([samples, frames, .. x.shape[1..]]);
        var slot = references.to(x.dtype);
        if (channels < x.shape[1])
            slot = torch.cat([slot, perSample.select(1, frames - 1).narrow(1, channels, x.shape[1] - channels)], dim: 1);
        return torch.cat([perSample.narrow(1, 0, frames - 1), slot.unsqueeze(1)], dim: 1).reshape(x.shape).MoveToOuterDisposeScope();
    }

    /// <summary>[B·V, ...] rows → [B·(V+1), ...], each sample's <paramref name="slot"/> row [B, ...] appended after its V views.</summary>
    public static Tensor Append(Tensor rows, int views, Tensor slot)
    {
        using var scope = torch.NewDisposeScope();
        long samples = rows.shape[0] / views;
        var perSample = rows.reshape([samples, views, .. rows.shape[1..]]);
        return torch.cat([perSample, slot.unsqueeze(1)], dim: 1).reshape([samples * (views + 1), .. rows.shape[1..]]).MoveToOuterDisposeScope();
    }

    /// <summary>[B·F, ...] rows → [B·(F−1), ...] without the last view of each sample.</summary>
    public static Tensor Remove(Tensor rows, int frames)
    {
        using var scope = torch.NewDisposeScope();
        long samples = rows.shape[0] / frames;
        var views = rows.reshape([samples, frames, .. rows.shape[1..]]).narrow(1, 0, frames - 1);
        return views.reshape([samples * (frames - 1), .. rows.shape[1..]]).MoveToOuterDisposeScope();
    }
}
