using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Unet;

/// <summary>
/// diffusers KAttentionBlock (v0.27.2 models/unets/unet_2d_blocks.py), a transformer block without feed-forward:
/// optional self-attention (norm1 → attn1) and cross-attention to the text (norm2 → attn2), each normed by an
/// AdaGroupNorm on the time embedding and added back as a residual on the feature map. The attentions have biases
/// and the cross-attention layer-norms the text first (cross_attention_norm "layer_norm").
/// </summary>
public sealed class KAttentionBlock : Module
{
    private readonly AdaGroupNorm? _norm1;
    private readonly Attention? _attn1;
    private readonly AdaGroupNorm _norm2;

    public KAttentionBlock(int dim, int heads, int headDim, int crossAttentionDim, int tembChannels, bool addSelfAttention, int groupSize = KUNet2DConditionConfig.GroupSize)
    {
        int groups = Math.Max(1, dim / groupSize);
        if (addSelfAttention)
        {
            _norm1 = Register("norm1", new AdaGroupNorm(tembChannels, dim, groups));
            _attn1 = Register("attn1", new Attention(new AttentionConfig(dim, null, heads, headDim, Bias: true)));
        }
        _norm2 = Register("norm2", new AdaGroupNorm(tembChannels, dim, groups));
        CrossAttention = Register("attn2", new Attention(new AttentionConfig(dim, crossAttentionDim, heads, headDim, Bias: true, LayerNormCross: true)));
    }

    public Attention CrossAttention { get; }

    public Tensor Forward(Tensor hidden, Tensor context, Tensor emb)
    {
        using var scope = torch.NewDisposeScope();
        if (_attn1 is not null)
            hidden = FeatureMap(_attn1.Forward(Tokens(_norm1!.Forward(hidden, emb))), hidden) + hidden;
        hidden = FeatureMap(CrossAttention.Forward(Tokens(_norm2.Forward(hidden, emb)), context), hidden) + hidden;
        return hidden.MoveToOuterDisposeScope();
    }

    /// <summary>_to_3d: [B, C, H, W] → [B, H·W, C].</summary>
    private static Tensor Tokens(Tensor map) => map.permute(0, 2, 3, 1).reshape(map.shape[0], map.shape[2] * map.shape[3], -1);

    /// <summary>_to_4d: [B, H·W, C] → [B, C, H, W] at <paramref name="like"/>'s size.</summary>
    private static Tensor FeatureMap(Tensor tokens, Tensor like) => tokens.permute(0, 2, 1).reshape(tokens.shape[0], -1, like.shape[2], like.shape[3]);
}
