using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.T5;

/// <summary>
/// transformers T5EncoderModel (v4.33 models/t5/modeling_t5.py), the encoder stack of T5 v1.1: token embeddings
/// (shared.*), blocks of RMS-normed self-attention with relative position biases (the first block's table serves every
/// block) and a gated-GELU feed-forward, each with a residual, then a final RMS norm. As SD3's pipelines call it: no
/// attention mask, the last hidden state returned.
/// </summary>
public sealed class T5EncoderModel : Module
{
    private readonly Embedding _shared;
    private readonly ModuleList<T5Block> _blocks;
    private readonly RMSNorm _finalLayerNorm;

    public T5EncoderModel(T5Config config)
    {
        Config = config.Checked();
        _shared = Register("shared", new Embedding(config.VocabSize, config.DModel));
        var encoder = Register("encoder", new T5Stack());
        _blocks = encoder.Blocks(Enumerable.Range(0, config.NumLayers).Select(i => new T5Block(config, hasRelativeAttentionBias: i == 0)));
        _finalLayerNorm = encoder.FinalLayerNorm(new RMSNorm(config.DModel, config.LayerNormEpsilon));
    }

    public T5Config Config { get; }

    /// <summary>[B, T] token ids → [B, T, d_model], the last hidden state.</summary>
    public Tensor Forward(Tensor inputIds)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = _shared.Forward(inputIds);
        var positionBias = _blocks[0].PositionBias(inputIds.shape[1], hidden.device);
        foreach (var block in _blocks)
            hidden = block.Forward(hidden, positionBias);
        return _finalLayerNorm.Forward(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>The weightless "encoder" level of the key tree: encoder.block.N, encoder.final_layer_norm.</summary>
    private sealed class T5Stack : Module
    {
        public ModuleList<T5Block> Blocks(IEnumerable<T5Block> blocks) => Register("block", new ModuleList<T5Block>(blocks));

        public RMSNorm FinalLayerNorm(RMSNorm norm) => Register("final_layer_norm", norm);
    }
}

/// <summary>T5Block of the encoder: layer.0 self-attention, layer.1 feed-forward, each pre-normed with a residual.</summary>
internal sealed class T5Block : Module
{
    private readonly T5Attention _attention;
    private readonly RMSNorm _attentionNorm, _feedForwardNorm;
    private readonly T5GatedFeedForward _feedForward;

    public T5Block(T5Config config, bool hasRelativeAttentionBias)
    {
        _attention = new T5Attention(config, hasRelativeAttentionBias);
        _attentionNorm = new RMSNorm(config.DModel, config.LayerNormEpsilon);
        _feedForward = new T5GatedFeedForward(config);
        _feedForwardNorm = new RMSNorm(config.DModel, config.LayerNormEpsilon);
        Register("layer", new ModuleList<Module>(new SublayerSlot("SelfAttention", _attention, _attentionNorm), new SublayerSlot("DenseReluDense", _feedForward, _feedForwardNorm)));
    }

    public Tensor PositionBias(long length, Device device) => _attention.PositionBias(length, device);

    public Tensor Forward(Tensor hidden, Tensor positionBias)
    {
        using var scope = torch.NewDisposeScope();
        hidden = hidden + _attention.Forward(_attentionNorm.Forward(hidden), positionBias);
        hidden = hidden + _feedForward.Forward(_feedForwardNorm.Forward(hidden));
        return hidden.MoveToOuterDisposeScope();
    }

    /// <summary>T5LayerSelfAttention / T5LayerFF: a sublayer under its name, and the RMS norm before it (layer_norm).</summary>
    private sealed class SublayerSlot : Module
    {
        public SublayerSlot(string name, Module sublayer, RMSNorm norm)
        {
            Register(name, sublayer);
            Register("layer_norm", norm);
        }
    }
}

/// <summary>
/// T5Attention: q, k, v, o without biases, no 1/√d scaling (T5 folds it into its initialisation), the relative
/// position bias added to the scores, softmax in float32.
/// </summary>
internal sealed class T5Attention : Module
{
    private readonly Linear _q, _k, _v, _o;
    private readonly Embedding? _relativeAttentionBias;
    private readonly T5Config _config;

    public T5Attention(T5Config config, bool hasRelativeAttentionBias)
    {
        _config = config;
        int inner = config.NumHeads * config.DKv;
        _q = Register("q", new Linear(config.DModel, inner, bias: false));
        _k = Register("k", new Linear(config.DModel, inner, bias: false));
        _v = Register("v", new Linear(config.DModel, inner, bias: false));
        _o = Register("o", new Linear(inner, config.DModel, bias: false));
        if (hasRelativeAttentionBias)
            _relativeAttentionBias = Register("relative_attention_bias", new Embedding(config.RelativeAttentionNumBuckets, config.NumHeads));
    }

    /// <summary>[1, heads, T, T] from the bucket table (compute_bias).</summary>
    public Tensor PositionBias(long length, Device device)
    {
        if (_relativeAttentionBias is null)
            throw new InvalidOperationException("only the first T5 block holds the relative attention bias table");
        using var scope = torch.NewDisposeScope();
        var buckets = T5RelativePosition.Buckets(length, length, _config.RelativeAttentionNumBuckets, _config.RelativeAttentionMaxDistance, device);
        return _relativeAttentionBias.Forward(buckets).permute(2, 0, 1).unsqueeze(0).MoveToOuterDisposeScope();
    }

    public Tensor Forward(Tensor hidden, Tensor positionBias)
    {
        using var scope = torch.NewDisposeScope();
        var (b, t) = (hidden.shape[0], hidden.shape[1]);
        Tensor Heads(Tensor x) => x.view(b, t, _config.NumHeads, _config.DKv).transpose(1, 2);
        var (q, k, v) = (Heads(_q.Forward(hidden)), Heads(_k.Forward(hidden)), Heads(_v.Forward(hidden)));
        if (AttentionChoice.UsesSdpa(q, AttentionChoice.ScoresBytes(q, t), upcastSoftmax: true))
        {
            // As ComfyUI's T5 on optimized_attention: the bias as an additive mask, no scaling (the kernels accumulate in float32).
            var fused = F.scaled_dot_product_attention(q, k, v, positionBias.to(q.dtype), scale: 1.0);
            return _o.Forward(fused.transpose(1, 2).reshape(b, t, _config.NumHeads * _config.DKv)).MoveToOuterDisposeScope();
        }
        var scores = torch.matmul(q, k.transpose(3, 2)) + positionBias.to(q.dtype);
        var weights = F.softmax(scores.@float(), dim: -1).to(scores.dtype);
        var output = torch.matmul(weights, v).transpose(1, 2).reshape(b, t, _config.NumHeads * _config.DKv);
        return _o.Forward(output).MoveToOuterDisposeScope();
    }
}

/// <summary>T5DenseGatedActDense: gelu_new(wi_0 x) · wi_1 x, then wo; no biases.</summary>
internal sealed class T5GatedFeedForward : Module
{
    private readonly Linear _wi0, _wi1, _wo;

    public T5GatedFeedForward(T5Config config)
    {
        _wi0 = Register("wi_0", new Linear(config.DModel, config.DFf, bias: false));
        _wi1 = Register("wi_1", new Linear(config.DModel, config.DFf, bias: false));
        _wo = Register("wo", new Linear(config.DFf, config.DModel, bias: false));
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var gated = F.gelu(_wi0.Forward(x), GeluApproximate.Tanh) * _wi1.Forward(x);
        return _wo.Forward(gated).MoveToOuterDisposeScope();
    }
}
