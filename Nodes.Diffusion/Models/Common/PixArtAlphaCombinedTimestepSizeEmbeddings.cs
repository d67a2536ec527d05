using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers PixArtAlphaCombinedTimestepSizeEmbeddings (models/embeddings.py) with size_emb_dim 0 and no additional
/// conditions, as LTX-2's transformer (AdaLN-single) and LTX's VAE decoder build it: 256 sinusoidal features of the
/// timestep (cos first, no shift), cast to the hidden dtype, then timestep_embedder (linear_1 → SiLU → linear_2) to
/// <c>embeddingDim</c>.
/// </summary>
public sealed class PixArtAlphaCombinedTimestepSizeEmbeddings : Module
{
    private static readonly Timesteps TimeProj = new(NumChannels: 256, FlipSinToCos: true, DownscaleFreqShift: 0);

    private readonly TimestepEmbedding _timestepEmbedder;

    public PixArtAlphaCombinedTimestepSizeEmbeddings(int embeddingDim) =>
        _timestepEmbedder = Register("timestep_embedder", new TimestepEmbedding(256, embeddingDim));

    /// <summary>[T] timesteps → [T, embedding_dim].</summary>
    public Tensor Forward(Tensor timestep, ScalarType hiddenDtype)
    {
        using var proj = TimeProj.Forward(timestep);
        using var cast = proj.to(hiddenDtype);
        return _timestepEmbedder.Forward(cast);
    }
}
