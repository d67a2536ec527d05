using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2;

/// <summary>
/// diffusers LTX2AdaLayerNormSingle (transformer_ltx2.py; PixArt-α's adaLN-single, §2.3): the timestep embedding
/// (emb), and from it <c>num_mod_params</c> modulation vectors at once, linear(silu(embedding)).
/// </summary>
public sealed class LTX2AdaLayerNormSingle : Module
{
    private readonly PixArtAlphaCombinedTimestepSizeEmbeddings _emb;
    private readonly Linear _linear;

    public LTX2AdaLayerNormSingle(int embeddingDim, int numModParams = 6)
    {
        _emb = Register("emb", new PixArtAlphaCombinedTimestepSizeEmbeddings(embeddingDim));
        _linear = Register("linear", new Linear(embeddingDim, numModParams * embeddingDim));
    }

    /// <summary>[T] timesteps → (modulation [T, num_mod_params·dim], embedded timestep [T, dim]).</summary>
    public (Tensor Modulation, Tensor EmbeddedTimestep) Forward(Tensor timestep, ScalarType hiddenDtype)
    {
        using var scope = torch.NewDisposeScope();
        var embedded = _emb.Forward(timestep, hiddenDtype);
        return (_linear.Forward(F.silu(embedded)).MoveToOuterDisposeScope(), embedded.MoveToOuterDisposeScope());
    }
}
