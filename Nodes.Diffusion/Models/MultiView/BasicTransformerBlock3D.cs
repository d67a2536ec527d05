using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.MultiView;

/// <summary>
/// MVDream's BasicTransformerBlock3D (mvdream/ldm/modules/attention.py @c6a4d39): the self-attention (attn1) runs over
/// all views of a sample at once — rows (b f) of L tokens become b rows of f·L tokens, the view index fastest — so
/// every token attends to every view's tokens; cross-attention to the text (attn2) and the GEGLU feed-forward run per
/// view. Each is pre-normed with a residual. ImageDream's attn2 also attends to the image-prompt tokens.
/// </summary>
public sealed class BasicTransformerBlock3D : Module
{
    private readonly LayerNorm _norm1, _norm2, _norm3;
    private readonly FeedForward _ff;

    public BasicTransformerBlock3D(int dim, int heads, int headDim, int contextDim, MultiViewUNetConfig config)
    {
        _norm1 = Register("norm1", new LayerNorm(dim));
        SelfAttention = Register("attn1", new Attention(new AttentionConfig(dim, null, heads, headDim)));
        _norm2 = Register("norm2", new LayerNorm(dim));
        var crossAttention = new AttentionConfig(dim, contextDim, heads, headDim);
        CrossAttention = Register("attn2", config.HasImagePrompt
            ? new ImagePromptAttention(crossAttention, config.IpDim, config.IpWeight)
            : new Attention(crossAttention));
        _norm3 = Register("norm3", new LayerNorm(dim));
        _ff = Register("ff", new FeedForward(dim));
    }

    public Attention SelfAttention { get; }

    public Attention CrossAttention { get; }

    /// <param name="x">[B·F, L, C] tokens, F views per sample.</param>
    public Tensor Forward(Tensor x, Tensor context, int numFrames, IAttentionPatch? patch)
    {
        using var scope = torch.NewDisposeScope();
        var (rows, tokens, channels) = (x.shape[0], x.shape[1], x.shape[2]);
        // (b f) l c -> b (f l) c: a contiguous reshape, since the views of a sample are consecutive rows.
        x = x.reshape(rows / numFrames, numFrames * tokens, channels);
        x = SelfAttention.Forward(_norm1.Forward(x), patch: patch) + x;
        x = x.reshape(rows, tokens, channels);
        x = CrossAttention.Forward(_norm2.Forward(x), context, patch) + x;
        x = _ff.Forward(_norm3.Forward(x)) + x;
        return x.MoveToOuterDisposeScope();
    }
}
