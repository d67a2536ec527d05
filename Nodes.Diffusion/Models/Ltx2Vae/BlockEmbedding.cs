using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>What the mid and up blocks do with the decoder's timestep before their resnets use it.</summary>
internal static class BlockEmbedding
{
    /// <summary>
    /// The block's time_embedder applied to the flattened timestep, as [B, 4C, 1, 1, 1] (recorded as "time_embedder"
    /// before the reshape); null for a block without one.
    /// </summary>
    public static Tensor? Of(PixArtAlphaCombinedTimestepSizeEmbeddings? timeEmbedder, Tensor? temb, Tensor hiddenStates, IIntermediateCapture? capture)
    {
        if (timeEmbedder is null)
            return null;
        if (temb is null)
            throw new ArgumentException("This VAE decoder is timestep-conditioned: decoding needs a timestep.", nameof(temb));
        var embedded = timeEmbedder.Forward(temb.flatten(), hiddenStates.dtype);
        capture?.Record("time_embedder", embedded);
        return embedded.view(hiddenStates.shape[0], -1, 1, 1, 1);
    }
}
