using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>The check every node taking a LATENT for a VAE makes: the rank and channel count that VAE produces.</summary>
internal static class LatentShape
{
    public static void Require(Latent latent, string input, int rank, int channels, VaeModel vae)
    {
        var shape = latent.Samples.shape;
        if (shape.Length == rank && shape[1] == channels)
            return;
        var expected = rank == 5 ? $"a video latent [B, {channels}, T, H, W]" : $"an image latent [B, {channels}, H, W]";
        throw new InputException(input, $"latent of shape [{string.Join(", ", shape)}]", $"{vae.KindName} decodes {expected}");
    }
}
