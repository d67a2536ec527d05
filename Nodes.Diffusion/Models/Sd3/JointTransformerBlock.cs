using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Sd3;

/// <summary>
/// diffusers JointTransformerBlock (v0.31 models/attention.py; sd3-ref's JointBlock): both streams modulated by
/// adaLN-Zero from the conditioning vector, one joint attention, gated residuals, then a gated GELU-tanh MLP per
/// stream. The last block (context_pre_only) lets the text stream only feed the attention: its norm is
/// AdaLayerNormContinuous, and it has no text output. SD3.5's dual-attention blocks add an image-only attention
/// (attn2) on the same normalized image tokens, modulated and gated by its own three parameters.
/// </summary>
public sealed class JointTransformerBlock : Module
{
    private readonly AdaLayerNormZero _norm1;
    private readonly AdaLayerNormZero? _norm1Context;
    private readonly AdaLayerNormContinuous? _norm1ContextLast;
    private readonly JointAttention _attn;
    private readonly JointAttention? _attn2;
    private readonly GeluFeedForward _ff;
    private readonly GeluFeedForward? _ffContext;

    public JointTransformerBlock(Sd3TransformerConfig config, bool contextPreOnly, bool dualAttention)
    {
        int dim = config.InnerDim;
        _norm1 = Register("norm1", new AdaLayerNormZero(dim, dualAttention));
        if (contextPreOnly)
            _norm1ContextLast = Register("norm1_context", new AdaLayerNormContinuous(dim));
        else
            _norm1Context = Register("norm1_context", new AdaLayerNormZero(dim, dualAttention: false));
        _attn = Register("attn", new JointAttention(config, withContext: true, contextOutput: !contextPreOnly));
        if (dualAttention)
            _attn2 = Register("attn2", new JointAttention(config, withContext: false, contextOutput: false));
        _ff = Register("ff", new GeluFeedForward(dim));
        if (!contextPreOnly)
            _ffContext = Register("ff_context", new GeluFeedForward(dim));
    }

    /// <summary>The text stream (null after the last block) and the image stream after this block.</summary>
    public (Tensor? Text, Tensor Image) Forward(Tensor image, Tensor text, Tensor conditioning)
    {
        using var scope = torch.NewDisposeScope();
        var m = _norm1.Parameters(conditioning);   // shift, scale, gate (attention); shift, scale, gate (MLP); [shift, scale, gate (attn2)]
        var normalized = Modulation.LayerNorm(image);
        var imageIn = Modulation.Apply(normalized, m[0], m[1]);
        Tensor textIn;
        Tensor[]? c = null;
        if (_norm1Context is not null)
        {
            c = _norm1Context.Parameters(conditioning);
            textIn = Modulation.Apply(Modulation.LayerNorm(text), c[0], c[1]);
        }
        else
            textIn = _norm1ContextLast!.Forward(text, conditioning);

        var (imageAttention, textAttention) = _attn.Forward(imageIn, textIn);
        image = image + m[2].unsqueeze(1) * imageAttention;
        if (_attn2 is not null)
            image = image + m[8].unsqueeze(1) * _attn2.Forward(Modulation.Apply(normalized, m[6], m[7])).Image;
        image = image + m[5].unsqueeze(1) * _ff.Forward(Modulation.Apply(Modulation.LayerNorm(image), m[3], m[4]));

        if (c is null || _ffContext is null)
            return (null, image.MoveToOuterDisposeScope());
        text = text + c[2].unsqueeze(1) * textAttention!;
        text = text + c[5].unsqueeze(1) * _ffContext.Forward(Modulation.Apply(Modulation.LayerNorm(text), c[3], c[4]));
        return (text.MoveToOuterDisposeScope(), image.MoveToOuterDisposeScope());
    }
}

/// <summary>
/// diffusers FeedForward with activation_fn "gelu-approximate": net.0 is GELU (proj, then tanh-approximated GELU),
/// net.1 dropout (no weights), net.2 the output; four times wider inside.
/// </summary>
public sealed class GeluFeedForward : Module
{
    private readonly Linear _proj, _output;

    public GeluFeedForward(int dim)
    {
        _proj = new Linear(dim, 4 * dim);
        _output = new Linear(4 * dim, dim);
        Register("net", new ModuleList<Module>(new GeluProjection(_proj), new Dropout(), _output));
    }

    public Tensor Forward(Tensor x)
    {
        using var hidden = _proj.Forward(x);
        using var activated = F.gelu(hidden, GeluApproximate.Tanh);
        return _output.Forward(activated);
    }

    /// <summary>diffusers' GELU module: its weights are proj's.</summary>
    private sealed class GeluProjection : Module
    {
        public GeluProjection(Linear proj) => Register("proj", proj);
    }

    /// <summary>A weightless slot that keeps net.2 at index 2.</summary>
    private sealed class Dropout : Module;
}
