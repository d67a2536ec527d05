using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Unet;

/// <summary>What a block needs besides its channels: upstream's per-block arguments.</summary>
public sealed record UNetBlockArgs(int Layers, int TembChannels, int Groups, double Eps, int Heads, int CrossAttentionDim,
    int TransformerLayers, bool UseLinearProjection, double OutputScaleFactor = 1.0)
{
    public ResnetBlock2DConfig Resnet(int outChannels) => new(outChannels, TembChannels, Groups, Eps, OutputScaleFactor);

    public Transformer2DModel Transformer(int channels) =>
        new(new Transformer2DConfig(Heads, channels / Heads, channels, CrossAttentionDim, TransformerLayers, Groups, UseLinearProjection));
}

/// <summary>
/// diffusers down blocks (v0.27.2 models/unets/unet_2d_blocks.py): resnets (each followed by its transformer in the
/// cross-attention variant), then an optional downsampler. Returns the hidden state and every skip it produced.
/// </summary>
public sealed class UNetDownBlock : Module
{
    private readonly ModuleList<ResnetBlock2D> _resnets;
    private readonly ModuleList<Transformer2DModel>? _attentions;
    private readonly Downsample2D? _downsampler;

    public UNetDownBlock(string type, int inChannels, int outChannels, bool addDownsample, int downsamplePadding, UNetBlockArgs args)
    {
        bool crossAttention = type switch
        {
            "CrossAttnDownBlock2D" => true,
            "DownBlock2D" => false,
            _ => throw new NotSupportedException($"UNet down block type '{type}' is not supported."),
        };
        _resnets = Register("resnets", new ModuleList<ResnetBlock2D>(
            Enumerable.Range(0, args.Layers).Select(i => new ResnetBlock2D(i == 0 ? inChannels : outChannels, args.Resnet(outChannels)))));
        if (crossAttention)
            _attentions = Register("attentions", new ModuleList<Transformer2DModel>(
                Enumerable.Range(0, args.Layers).Select(_ => args.Transformer(outChannels))));
        if (addDownsample)
            _downsampler = Register("downsamplers", new ModuleList<Downsample2D>(new Downsample2D(outChannels, downsamplePadding)))[0];
    }

    public IReadOnlyList<Transformer2DModel> Attentions => _attentions ?? (IReadOnlyList<Transformer2DModel>)[];

    public (Tensor Hidden, List<Tensor> Skips) Forward(Tensor hidden, Tensor temb, Tensor context, IAttentionPatch? patch)
    {
        var skips = new List<Tensor>();
        for (int i = 0; i < _resnets.Count; i++)
        {
            var next = _resnets[i].Forward(hidden, temb);
            if (_attentions is not null)
                next = Replace(next, _attentions[i].Forward(next, context, patch));
            skips.Add(hidden = next);
        }
        if (_downsampler is not null)
            skips.Add(hidden = _downsampler.Forward(hidden));
        return (hidden, skips);
    }

    internal static Tensor Replace(Tensor old, Tensor replacement)
    {
        old.Dispose();
        return replacement;
    }
}

/// <summary>diffusers UNetMidBlock2DCrossAttn: resnet, then (transformer, resnet) pairs.</summary>
public sealed class UNetMidBlock2DCrossAttn : Module
{
    private readonly ModuleList<ResnetBlock2D> _resnets;
    private readonly ModuleList<Transformer2DModel> _attentions;

    public UNetMidBlock2DCrossAttn(int channels, UNetBlockArgs args)
    {
        // The mid block has one transformer (num_layers=1) between two resnets, whatever layers_per_block is.
        _attentions = Register("attentions", new ModuleList<Transformer2DModel>(args.Transformer(channels)));
        _resnets = Register("resnets", new ModuleList<ResnetBlock2D>(
            new ResnetBlock2D(channels, args.Resnet(channels)), new ResnetBlock2D(channels, args.Resnet(channels))));
    }

    public IReadOnlyList<Transformer2DModel> Attentions => _attentions;

    public Tensor Forward(Tensor hidden, Tensor temb, Tensor context, IAttentionPatch? patch)
    {
        hidden = _resnets[0].Forward(hidden, temb);
        for (int i = 0; i < _attentions.Count; i++)
        {
            hidden = UNetDownBlock.Replace(hidden, _attentions[i].Forward(hidden, context, patch));
            hidden = UNetDownBlock.Replace(hidden, _resnets[i + 1].Forward(hidden, temb));
        }
        return hidden;
    }
}

/// <summary>
/// diffusers up blocks: each resnet takes the hidden state concatenated with the next skip (last in, first out),
/// followed by its transformer in the cross-attention variant; then an optional upsampler.
/// </summary>
public sealed class UNetUpBlock : Module
{
    private readonly ModuleList<ResnetBlock2D> _resnets;
    private readonly ModuleList<Transformer2DModel>? _attentions;
    private readonly Upsample2D? _upsampler;

    public UNetUpBlock(string type, UpBlockChannels channels, bool addUpsample, UNetBlockArgs args)
    {
        bool crossAttention = type switch
        {
            "CrossAttnUpBlock2D" => true,
            "UpBlock2D" => false,
            _ => throw new NotSupportedException($"UNet up block type '{type}' is not supported."),
        };
        _resnets = Register("resnets", new ModuleList<ResnetBlock2D>(Enumerable.Range(0, args.Layers).Select(j =>
        {
            int skip = j == args.Layers - 1 ? channels.In : channels.Out;
            int input = j == 0 ? channels.PreviousOut : channels.Out;
            return new ResnetBlock2D(input + skip, args.Resnet(channels.Out));
        })));
        if (crossAttention)
            _attentions = Register("attentions", new ModuleList<Transformer2DModel>(
                Enumerable.Range(0, args.Layers).Select(_ => args.Transformer(channels.Out))));
        if (addUpsample)
            _upsampler = Register("upsamplers", new ModuleList<Upsample2D>(new Upsample2D(channels.Out)))[0];
    }

    public int SkipCount => _resnets.Count;

    public IReadOnlyList<Transformer2DModel> Attentions => _attentions ?? (IReadOnlyList<Transformer2DModel>)[];

    /// <summary><paramref name="skips"/> are this block's skip connections in the order the down path made them.</summary>
    public Tensor Forward(Tensor hidden, IReadOnlyList<Tensor> skips, Tensor temb, Tensor context, long[]? upsampleSize, IAttentionPatch? patch)
    {
        for (int i = 0; i < _resnets.Count; i++)
        {
            using (var joined = torch.cat([hidden, skips[skips.Count - 1 - i]], dim: 1))
                hidden = UNetDownBlock.Replace(hidden, _resnets[i].Forward(joined, temb));
            if (_attentions is not null)
                hidden = UNetDownBlock.Replace(hidden, _attentions[i].Forward(hidden, context, patch));
        }
        return _upsampler is null ? hidden : UNetDownBlock.Replace(hidden, _upsampler.Forward(hidden, upsampleSize));
    }
}

/// <summary>An up block's channels: its own output, the previous block's output, and the skips' width at its last resnet.</summary>
public readonly record struct UpBlockChannels(int In, int Out, int PreviousOut);
