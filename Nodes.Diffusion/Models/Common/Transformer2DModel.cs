using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers Transformer2DModel for continuous input (v0.27.2 models/transformers/transformer_2d.py):
/// GroupNorm, proj_in (a 1x1 conv, or a linear after flattening when use_linear_projection), the transformer blocks
/// over the H·W tokens, proj_out, plus the residual.
/// </summary>
public sealed record Transformer2DConfig(int Heads, int HeadDim, int InChannels, int CrossAttentionDim, int Layers = 1, int NormGroups = 32, bool UseLinearProjection = false);

public sealed class Transformer2DModel : Module
{
    private readonly GroupNorm _norm;
    private readonly ITensorModule _projIn, _projOut;
    private readonly ModuleList<BasicTransformerBlock> _blocks;
    private readonly bool _linear;

    public Transformer2DModel(Transformer2DConfig config)
    {
        int inner = config.Heads * config.HeadDim;
        _linear = config.UseLinearProjection;
        _norm = Register("norm", new GroupNorm(config.NormGroups, config.InChannels, eps: 1e-6));
        _projIn = (ITensorModule)Register<Module>("proj_in", _linear ? new Linear(config.InChannels, inner) : new Conv2d(config.InChannels, inner, kernel_size: 1));
        _blocks = Register("transformer_blocks", new ModuleList<BasicTransformerBlock>(
            Enumerable.Range(0, config.Layers).Select(_ => new BasicTransformerBlock(inner, config.Heads, config.HeadDim, config.CrossAttentionDim))));
        _projOut = (ITensorModule)Register<Module>("proj_out", _linear ? new Linear(inner, config.InChannels) : new Conv2d(inner, config.InChannels, kernel_size: 1));
    }

    /// <summary>The blocks, for processors that replace the attention math (IP-Adapter).</summary>
    public IReadOnlyList<BasicTransformerBlock> Blocks => _blocks;

    public Tensor Forward(Tensor x, Tensor context, IAttentionPatch? patch = null)
    {
        using var scope = torch.NewDisposeScope();
        var (b, h, w) = (x.shape[0], x.shape[2], x.shape[3]);
        var hidden = _norm.Forward(x);
        hidden = _linear ? _projIn.Forward(Tokens(hidden)) : Tokens(_projIn.Forward(hidden));
        foreach (var block in _blocks)
            hidden = block.Forward(hidden, context, patch);
        hidden = _linear ? FeatureMap(_projOut.Forward(hidden), h, w) : _projOut.Forward(FeatureMap(hidden, h, w));
        return (hidden + x).MoveToOuterDisposeScope();

        Tensor Tokens(Tensor map) => map.permute(0, 2, 3, 1).reshape(b, h * w, map.shape[1]);
    }

    private static Tensor FeatureMap(Tensor tokens, long h, long w) =>
        tokens.reshape(tokens.shape[0], h, w, tokens.shape[2]).permute(0, 3, 1, 2).contiguous();
}

/// <summary>
/// diffusers BasicTransformerBlock with norm_type "layer_norm" (v0.27.2 models/attention.py): self-attention,
/// cross-attention to the text, GEGLU feed-forward, each pre-normed with a residual.
/// </summary>
public sealed class BasicTransformerBlock : Module
{
    private readonly LayerNorm _norm1, _norm2, _norm3;
    private readonly FeedForward _ff;

    public BasicTransformerBlock(int dim, int heads, int headDim, int crossAttentionDim)
    {
        _norm1 = Register("norm1", new LayerNorm(dim));
        SelfAttention = Register("attn1", new Attention(new AttentionConfig(dim, null, heads, headDim)));
        _norm2 = Register("norm2", new LayerNorm(dim));
        CrossAttention = Register("attn2", new Attention(new AttentionConfig(dim, crossAttentionDim, heads, headDim)));
        _norm3 = Register("norm3", new LayerNorm(dim));
        _ff = Register("ff", new FeedForward(dim));
    }

    public Attention SelfAttention { get; }
    public Attention CrossAttention { get; }

    public Tensor Forward(Tensor x, Tensor context, IAttentionPatch? patch = null)
    {
        using var scope = torch.NewDisposeScope();
        x = SelfAttention.Forward(_norm1.Forward(x), patch: patch) + x;
        x = CrossAttention.Forward(_norm2.Forward(x), context, patch) + x;
        x = _ff.Forward(_norm3.Forward(x)) + x;
        return x.MoveToOuterDisposeScope();
    }
}
