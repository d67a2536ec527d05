using System.Globalization;
using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.MultiView;

/// <summary>What every layer of a block may read besides its input: the time (and camera) embedding, the context, the views per sample, the call's attention patch.</summary>
public sealed record BlockInputs(Tensor Emb, Tensor Context, int NumFrames, IAttentionPatch? Patch);

/// <summary>
/// LDM's TimestepEmbedSequential (openaimodel.py): the layers of one input, middle or output block, keyed by position,
/// each given what it takes — a ResBlock the embedding, a SpatialTransformer3D the context and the view count, the
/// resamplers and the first convolution only the features.
/// </summary>
public sealed class TimestepEmbedSequential : Module
{
    private readonly Module[] _layers;

    public TimestepEmbedSequential(params Module[] layers)
    {
        _layers = layers;
        for (int i = 0; i < layers.Length; i++)
            Register(i.ToString(CultureInfo.InvariantCulture), layers[i]);
    }

    public IEnumerable<SpatialTransformer3D> Transformers => _layers.OfType<SpatialTransformer3D>();

    public Tensor Forward(Tensor x, BlockInputs inputs)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var layer in _layers)
            x = layer switch
            {
                ResBlock resBlock => resBlock.Forward(x, inputs.Emb),
                SpatialTransformer3D transformer => transformer.Forward(x, inputs.Context, inputs.NumFrames, inputs.Patch),
                Downsample downsample => downsample.Forward(x),
                Upsample2D upsample => upsample.Forward(x),
                Conv2d conv => conv.Forward(x),
                _ => throw new NotSupportedException($"{layer.GetType().Name} is not a layer of LDM's UNet blocks."),
            };
        return x.MoveToOuterDisposeScope();
    }
}
