using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.IpAdapter;

/// <summary>
/// IP-Adapter's ImageProjModel (tencent-ailab ip_adapter/ip_adapter.py): the CLIP image embedding through one linear
/// layer, split into <see cref="Tokens"/> tokens of the UNet's cross-attention width, layer-normed. Keys proj, norm.
/// </summary>
public sealed class ImageProjModel : Module, IImageProjection
{
    private readonly Linear _proj;
    private readonly LayerNorm _norm;

    public ImageProjModel(int clipEmbeddingsDim, int crossAttentionDim, int tokens)
    {
        Tokens = tokens;
        CrossAttentionDim = crossAttentionDim;
        _proj = Register("proj", new Linear(clipEmbeddingsDim, tokens * crossAttentionDim));
        _norm = Register("norm", new LayerNorm(crossAttentionDim));
    }

    public int Tokens { get; }

    public int CrossAttentionDim { get; }

    /// <summary>[B, clip_embeddings_dim] image embeds → [B, tokens, cross_attention_dim].</summary>
    public Tensor Forward(Tensor imageEmbeds)
    {
        using var scope = torch.NewDisposeScope();
        var tokens = _proj.Forward(imageEmbeds).reshape(-1, Tokens, CrossAttentionDim);
        return _norm.Forward(tokens).MoveToOuterDisposeScope();
    }
}
