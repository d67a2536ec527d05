using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.IpAdapter;

/// <summary>
/// IP-Adapter Plus' Resampler (tencent-ailab ip_adapter/resampler.py; diffusers' IPAdapterPlusImageProjection): learned
/// query latents attend, layer after layer, to the CLIP penultimate states and to themselves (perceiver attention),
/// each layer followed by a feed-forward, then proj_out and norm_out. Keys latents, proj_in, layers.i.0 (attention),
/// layers.i.1 (feed-forward: 0 LayerNorm, 1 Linear, 3 Linear), proj_out, norm_out.
/// </summary>
public sealed class Resampler : Module, IImageProjection
{
    private readonly Tensor _latents;
    private readonly Linear _projIn, _projOut;
    private readonly ModuleList<ResamplerLayer> _layers;
    private readonly LayerNorm _normOut;

    public Resampler(ResamplerConfig config)
    {
        Tokens = config.NumQueries;
        EmbeddingDim = config.EmbeddingDim;
        _latents = Parameter("latents", 1, config.NumQueries, config.Dim);
        _projIn = Register("proj_in", new Linear(config.EmbeddingDim, config.Dim));
        _projOut = Register("proj_out", new Linear(config.Dim, config.OutputDim));
        _normOut = Register("norm_out", new LayerNorm(config.OutputDim));
        _layers = Register("layers", new ModuleList<ResamplerLayer>(Enumerable.Range(0, config.Depth).Select(_ => new ResamplerLayer(config))));
    }

    public int Tokens { get; }

    /// <summary>The width of the image features it reads.</summary>
    public int EmbeddingDim { get; }

    /// <summary>[B, tokens, embedding_dim] features → [B, num_queries, output_dim].</summary>
    public Tensor Forward(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var latents = _latents.repeat(features.shape[0], 1, 1);
        var x = _projIn.Forward(features);
        foreach (var layer in _layers)
            latents = layer.Forward(x, latents);
        return _normOut.Forward(_projOut.Forward(latents)).MoveToOuterDisposeScope();
    }
}

/// <summary>The Resampler's shape; upstream's defaults for SD1.5 IP-Adapter Plus are dim 768, depth 4, 12 heads of 64, 16 queries.</summary>
public sealed record ResamplerConfig(int Dim, int Depth, int DimHead, int Heads, int NumQueries, int EmbeddingDim, int OutputDim, int FeedForwardDim);

/// <summary>One layer: a perceiver attention and a feed-forward, each with a residual (keys .0 and .1).</summary>
internal sealed class ResamplerLayer : Module
{
    private readonly PerceiverAttention _attention;
    private readonly Sequential _feedForward;

    public ResamplerLayer(ResamplerConfig config)
    {
        _attention = Register("0", new PerceiverAttention(config));
        _feedForward = Register("1", new Sequential(
            new LayerNorm(config.Dim), new Linear(config.Dim, config.FeedForwardDim, bias: false), new GELU(), new Linear(config.FeedForwardDim, config.Dim, bias: false)));
    }

    public Tensor Forward(Tensor x, Tensor latents)
    {
        using var scope = torch.NewDisposeScope();
        latents = _attention.Forward(x, latents) + latents;
        latents = _feedForward.Forward(latents) + latents;
        return latents.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The latents attend to [features, latents] (norm1 on the features, norm2 on the latents); to_kv is one fused
/// projection split into keys and values. The arithmetic is diffusers' (scores by baddbmm with 1/√d), whose
/// IPAdapterPlusImageProjection the fixtures were computed with; tencent's scales q and k by d^-¼ each.
/// </summary>
internal sealed class PerceiverAttention : Module
{
    private readonly LayerNorm _norm1, _norm2;
    private readonly Linear _toQ, _toKv, _toOut;
    private readonly int _heads;
    private readonly double _scale;

    public PerceiverAttention(ResamplerConfig config)
    {
        int inner = config.DimHead * config.Heads;
        _heads = config.Heads;
        _scale = 1.0 / Math.Sqrt(config.DimHead);
        _norm1 = Register("norm1", new LayerNorm(config.Dim));
        _norm2 = Register("norm2", new LayerNorm(config.Dim));
        _toQ = Register("to_q", new Linear(config.Dim, inner, bias: false));
        _toKv = Register("to_kv", new Linear(config.Dim, inner * 2, bias: false));
        _toOut = Register("to_out", new Linear(inner, config.Dim, bias: false));
    }

    public Tensor Forward(Tensor x, Tensor latents)
    {
        using var scope = torch.NewDisposeScope();
        var normedLatents = _norm2.Forward(latents);
        var query = Heads(_toQ.Forward(normedLatents));
        var keysValues = _toKv.Forward(torch.cat([_norm1.Forward(x), normedLatents], dim: -2)).chunk(2, dim: -1);
        var (key, value) = (Heads(keysValues[0]), Heads(keysValues[1]));
        var output = ClassicAttentionProcessor.AttendHeads(query, key, value, _scale, upcastSoftmax: false);
        var (bh, t, d) = (output.shape[0], output.shape[1], output.shape[2]);
        var merged = output.reshape(bh / _heads, _heads, t, d).permute(0, 2, 1, 3).reshape(bh / _heads, t, _heads * d);
        return _toOut.Forward(merged).MoveToOuterDisposeScope();
    }

    /// <summary>[B, T, H·D] → [B·H, T, D].</summary>
    private Tensor Heads(Tensor x)
    {
        var (b, t, c) = (x.shape[0], x.shape[1], x.shape[2]);
        return x.reshape(b, t, _heads, c / _heads).permute(0, 2, 1, 3).reshape(b * _heads, t, c / _heads);
    }
}
