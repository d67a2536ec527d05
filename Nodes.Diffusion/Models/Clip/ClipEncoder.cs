using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Clip;

/// <summary>What a CLIP encoder layer is built from, shared by the text and the vision configurations.</summary>
public sealed record ClipEncoderShape(int HiddenSize, int IntermediateSize, int NumAttentionHeads, double LayerNormEps, ClipActivation Activation);

/// <summary>The weightless "encoder" level of the key tree: encoder.layers.N.</summary>
internal sealed class ClipEncoder : Module
{
    public ModuleList<ClipEncoderLayer> Layers(IEnumerable<ClipEncoderLayer> layers) => Register("layers", new ModuleList<ClipEncoderLayer>(layers));
}

/// <summary>CLIPEncoderLayer: pre-norm self-attention and MLP, each with a residual (the text and the vision tower alike).</summary>
internal sealed class ClipEncoderLayer : Module
{
    private readonly ClipAttention _selfAttn;
    private readonly LayerNorm _layerNorm1, _layerNorm2;
    private readonly ClipMlp _mlp;

    public ClipEncoderLayer(ClipEncoderShape config)
    {
        _selfAttn = Register("self_attn", new ClipAttention(config));
        _layerNorm1 = Register("layer_norm1", new LayerNorm(config.HiddenSize, config.LayerNormEps));
        _mlp = Register("mlp", new ClipMlp(config));
        _layerNorm2 = Register("layer_norm2", new LayerNorm(config.HiddenSize, config.LayerNormEps));
    }

    /// <param name="mask">Added to the attention scores (the text tower's causal mask); the vision tower has none.</param>
    public Tensor Forward(Tensor hidden, Tensor? mask)
    {
        using var scope = torch.NewDisposeScope();
        hidden = hidden + _selfAttn.Forward(_layerNorm1.Forward(hidden), mask);
        hidden = hidden + _mlp.Forward(_layerNorm2.Forward(hidden));
        return hidden.MoveToOuterDisposeScope();
    }
}

/// <summary>CLIPAttention: q scaled before q·kᵀ, the mask (if any) added to the scores, softmax, then out_proj.</summary>
internal sealed class ClipAttention : Module
{
    private readonly Linear _qProj, _kProj, _vProj, _outProj;
    private readonly int _heads;
    private readonly double _scale;

    public ClipAttention(ClipEncoderShape config)
    {
        _heads = config.NumAttentionHeads;
        _scale = 1.0 / Math.Sqrt(config.HiddenSize / config.NumAttentionHeads);
        _kProj = Register("k_proj", new Linear(config.HiddenSize, config.HiddenSize));
        _vProj = Register("v_proj", new Linear(config.HiddenSize, config.HiddenSize));
        _qProj = Register("q_proj", new Linear(config.HiddenSize, config.HiddenSize));
        _outProj = Register("out_proj", new Linear(config.HiddenSize, config.HiddenSize));
    }

    public Tensor Forward(Tensor hidden, Tensor? mask)
    {
        using var scope = torch.NewDisposeScope();
        var (b, t, c) = (hidden.shape[0], hidden.shape[1], hidden.shape[2]);
        long d = c / _heads;
        if (AttentionChoice.UsesSdpa(hidden, b * _heads * t * t * hidden.element_size()))
            return _outProj.Forward(FusedAttention(hidden, mask)).MoveToOuterDisposeScope();
        Tensor Heads(Tensor x) => x.view(b, t, _heads, d).transpose(1, 2).reshape(b * _heads, t, d);
        var query = Heads(_qProj.Forward(hidden) * _scale);
        var key = Heads(_kProj.Forward(hidden));
        var value = Heads(_vProj.Forward(hidden));
        var scores = torch.bmm(query, key.transpose(1, 2)).view(b, _heads, t, t);
        if (mask is not null)
            scores = scores + mask;
        var probabilities = F.softmax(scores.view(b * _heads, t, t), dim: -1);
        var output = torch.bmm(probabilities, value).view(b, _heads, t, d).transpose(1, 2).reshape(b, t, c);
        return _outProj.Forward(output).MoveToOuterDisposeScope();
    }

    /// <summary>transformers' CLIPSdpaAttention: the same, as one scaled_dot_product_attention with the mask added to the scores.</summary>
    private Tensor FusedAttention(Tensor hidden, Tensor? mask)
    {
        var (b, t, c) = (hidden.shape[0], hidden.shape[1], hidden.shape[2]);
        Tensor Heads(Tensor x) => x.view(b, t, _heads, c / _heads).transpose(1, 2);
        var output = F.scaled_dot_product_attention(Heads(_qProj.Forward(hidden)), Heads(_kProj.Forward(hidden)), Heads(_vProj.Forward(hidden)),
            mask?.to(hidden.dtype), scale: _scale);
        return output.transpose(1, 2).reshape(b, t, c);
    }
}

internal sealed class ClipMlp : Module
{
    private readonly Linear _fc1, _fc2;
    private readonly ClipActivation _activation;

    public ClipMlp(ClipEncoderShape config)
    {
        _activation = config.Activation;
        _fc1 = Register("fc1", new Linear(config.HiddenSize, config.IntermediateSize));
        _fc2 = Register("fc2", new Linear(config.IntermediateSize, config.HiddenSize));
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var h = _fc1.Forward(x);
        // quick_gelu: x·sigmoid(1.702x) (transformers activations.QuickGELUActivation)
        h = _activation == ClipActivation.QuickGelu ? h * torch.sigmoid(h * 1.702) : F.gelu(h);
        return _fc2.Forward(h).MoveToOuterDisposeScope();
    }
}
