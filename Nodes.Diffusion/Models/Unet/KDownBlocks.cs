using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Unet;

/// <summary>What every K block takes besides its channels: layers, the time embedding's width, resnet eps and activation, text width, head width.</summary>
public sealed record KBlockArgs(int Layers, int TembChannels, double Eps, string ActFn, int CrossAttentionDim, int AttentionHeadDim)
{
    /// <summary>A resnet of a K block: AdaGroupNorm with one group per 32 channels, shortcut conv without bias.</summary>
    public ResnetBlockCondNorm2D Resnet(int inChannels, int outChannels, int groupsOutChannels, int? conv2dOutChannels = null) =>
        new(new ResnetBlockCondNorm2DConfig(inChannels, outChannels, TembChannels, inChannels / KUNet2DConditionConfig.GroupSize,
            groupsOutChannels / KUNet2DConditionConfig.GroupSize, Eps, ActFn, conv2dOutChannels, ConvShortcutBias: false));

    public KAttentionBlock Attention(int dim, bool addSelfAttention) =>
        new(dim, dim / AttentionHeadDim, AttentionHeadDim, CrossAttentionDim, TembChannels, addSelfAttention);
}

/// <summary>A K-UNet down block's result: the hidden state and one skip per layer (null where the block keeps none).</summary>
public sealed record KDownOutput(Tensor Hidden, IReadOnlyList<Tensor?> Skips)
{
    /// <summary>Moves each tensor once to the caller's scope (without a downsampler the hidden state is also the last skip).</summary>
    public KDownOutput MoveToOuterDisposeScope()
    {
        foreach (var tensor in Skips.OfType<Tensor>().Prepend(Hidden).Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>())
            tensor.MoveToOuterDisposeScope();
        return this;
    }
}

/// <summary>
/// diffusers KDownBlock2D (v0.27.2 models/unets/unet_2d_blocks.py): ResnetBlockCondNorm2D layers, each output kept as
/// a skip, then an optional KDownsample2D.
/// </summary>
public sealed class KDownBlock2D : Module
{
    private readonly ModuleList<ResnetBlockCondNorm2D> _resnets;
    private readonly KDownsample2D? _downsampler;

    public KDownBlock2D(int inChannels, int outChannels, bool addDownsample, KBlockArgs args)
    {
        _resnets = Register("resnets", new ModuleList<ResnetBlockCondNorm2D>(Enumerable.Range(0, args.Layers)
            .Select(i => args.Resnet(i == 0 ? inChannels : outChannels, outChannels, outChannels))));
        if (addDownsample)
            _downsampler = Register("downsamplers", new ModuleList<KDownsample2D>(new KDownsample2D()))[0];
    }

    public KDownOutput Forward(Tensor hidden, Tensor temb)
    {
        using var scope = torch.NewDisposeScope();
        var skips = new List<Tensor?>();
        foreach (var resnet in _resnets)
            skips.Add(hidden = resnet.Forward(hidden, temb));
        if (_downsampler is not null)
            hidden = _downsampler.Forward(hidden);
        return new KDownOutput(hidden, skips).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// diffusers KCrossAttnDownBlock2D: (ResnetBlockCondNorm2D, KAttentionBlock) layers and an optional KDownsample2D.
/// Only a block that downsamples keeps skips (one per layer); the last block keeps none and adds self-attention.
/// </summary>
public sealed class KCrossAttnDownBlock2D : Module
{
    private readonly ModuleList<ResnetBlockCondNorm2D> _resnets;
    private readonly ModuleList<KAttentionBlock> _attentions;
    private readonly KDownsample2D? _downsampler;

    public KCrossAttnDownBlock2D(int inChannels, int outChannels, bool addDownsample, KBlockArgs args)
    {
        _resnets = Register("resnets", new ModuleList<ResnetBlockCondNorm2D>(Enumerable.Range(0, args.Layers)
            .Select(i => args.Resnet(i == 0 ? inChannels : outChannels, outChannels, outChannels))));
        _attentions = Register("attentions", new ModuleList<KAttentionBlock>(Enumerable.Range(0, args.Layers)
            .Select(_ => args.Attention(outChannels, addSelfAttention: !addDownsample))));
        if (addDownsample)
            _downsampler = Register("downsamplers", new ModuleList<KDownsample2D>(new KDownsample2D()))[0];
    }

    public IReadOnlyList<KAttentionBlock> Attentions => _attentions;

    public KDownOutput Forward(Tensor hidden, Tensor temb, Tensor context)
    {
        using var scope = torch.NewDisposeScope();
        var skips = new List<Tensor?>();
        for (int i = 0; i < _resnets.Count; i++)
        {
            hidden = _attentions[i].Forward(_resnets[i].Forward(hidden, temb), context, temb);
            skips.Add(_downsampler is null ? null : hidden);
        }
        if (_downsampler is not null)
            hidden = _downsampler.Forward(hidden);
        return new KDownOutput(hidden, skips).MoveToOuterDisposeScope();
    }
}
