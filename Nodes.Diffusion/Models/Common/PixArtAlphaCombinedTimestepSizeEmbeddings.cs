using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers PixArtAlphaCombinedTimestepSizeEmbeddings (models/embeddings.py) without additional conditions: 256
/// sinusoidal features of the timestep (cos first, no shift) → timestep_embedder (linear_1, SiLU, linear_2), in the
/// hidden dtype.
/// </summary>
public sealed class PixArtAlphaCombinedTimestepSizeEmbeddings : Module
{
    private static readonly Timesteps TimeProj = new(256, FlipSinToCos: true, DownscaleFreqShift: 0);
    private readonly TimestepEmbedding _timestepEmbedder;

    public PixArtAlphaCombinedTimestepSizeEmbeddings(int embeddingDim) =>
        _timestepEmbedder = Register("timestep_embedder", new TimestepEmbedding(256, embeddingDim));

    /// <summary>[T] timesteps → [T, embedding_dim].</summary>
    public Tensor Forward(Tensor timestep, ScalarType hiddenDtype)
    {
        using var scope = torch.NewDisposeScope();
        return _timestepEmbedder.Forward(TimeProj.Forward(timestep).to(hiddenDtype)).MoveToOuterDisposeScope();
    }
}
