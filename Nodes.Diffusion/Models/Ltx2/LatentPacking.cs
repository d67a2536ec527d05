using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Ltx2;

/// <summary>
/// LTX-2's patchification (SANA-WM refiner.py @ b9fd857, _pack_latents / _unpack_latents): video latents
/// [B, C, T, H, W] ↔ tokens [B, T/pt · H/p · W/p, C·pt·p·p], frame-major, each token's channels as (C, pt, p, p).
/// </summary>
public static class LatentPacking
{
    public static Tensor Pack(Tensor latents, int patchSize, int patchSizeT)
    {
        var (b, t, h, w) = (latents.shape[0], latents.shape[2], latents.shape[3], latents.shape[4]);
        using var patches = latents.reshape(b, -1, t / patchSizeT, patchSizeT, h / patchSize, patchSize, w / patchSize, patchSize);
        using var ordered = patches.permute(0, 2, 4, 6, 1, 3, 5, 7);
        using var tokens = ordered.flatten(4, 7);
        return tokens.flatten(1, 3);
    }

    public static Tensor Unpack(Tensor tokens, long frames, long height, long width, int patchSize, int patchSizeT)
    {
        var b = tokens.shape[0];
        using var patches = tokens.reshape(b, frames / patchSizeT, height / patchSize, width / patchSize, -1, patchSizeT, patchSize, patchSize);
        using var ordered = patches.permute(0, 4, 1, 5, 2, 6, 3, 7);
        using var wide = ordered.flatten(6, 7);
        using var tall = wide.flatten(4, 5);
        return tall.flatten(2, 3);
    }
}
