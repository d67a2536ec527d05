using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// The starting noise for a seed, as ComfyUI's comfy/sample.py prepare_noise draws it: from a CPU generator seeded
/// like torch.manual_seed(seed), so a seed reproduces ComfyUI's and diffusers' (Generator('cpu').manual_seed) noise
/// bit for bit. With batch indices, noise for [1,C,H,W] is drawn for indices 0..max in turn and the listed ones kept,
/// so image k of a batch gets what a single-image run at index k would.
/// </summary>
public static class SeededNoise
{
    /// <summary>A CPU generator seeded as torch.manual_seed(seed) would seed the default one (seeds up to 2^64−1).</summary>
    public static Generator Generator(ulong seed) => new(unchecked((long)seed));

    /// <summary>Draws the noise from <paramref name="generator"/>, leaving it positioned after the draw (samplers continue from there).</summary>
    public static Tensor Draw(Generator generator, long[] shape, IReadOnlyList<int>? batchIndex = null)
    {
        if (batchIndex is null)
            return torch.randn(shape, generator, torch.float32);
        using var scope = torch.NewDisposeScope();
        long[] single = [1, .. shape[1..]];
        var draws = Enumerable.Range(0, batchIndex.Max() + 1).Select(_ => torch.randn(single, generator, torch.float32)).ToArray();
        return torch.cat(batchIndex.Select(i => draws[i]).ToArray(), dim: 0).MoveToOuterDisposeScope();
    }
}
