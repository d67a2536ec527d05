using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Unet;

/// <summary>
/// diffusers KUpBlock2D (v0.27.2 models/unets/unet_2d_blocks.py), the K-UNet's last up block: the hidden state joined
/// with the last of its skips (when there is one), ResnetBlockCondNorm2D layers (the last leaving with the block's
/// in_channels), then an optional KUpsample2D.
/// </summary>
public sealed class KUpBlock2D : Module
{
    private readonly ModuleList<ResnetBlockCondNorm2D> _resnets;
    private readonly KUpsample2D? _upsampler;

    public KUpBlock2D(int inChannels, int outChannels, bool addUpsample, KBlockArgs args)
    {
        int kIn = 2 * outChannels, kOut = inChannels;
        _resnets = Register("resnets", new ModuleList<ResnetBlockCondNorm2D>(Enumerable.Range(0, args.Layers)
            .Select(i => args.Resnet(i == 0 ? kIn : outChannels, i == args.Layers - 1 ? kOut : outChannels, outChannels))));
        if (addUpsample)
            _upsampler = Register("upsamplers", new ModuleList<KUpsample2D>(new KUpsample2D()))[0];
    }

    /// <summary>How many of the down path's skips this block takes (it uses the last).</summary>
    public int SkipCount => _resnets.Count;

    public Tensor Forward(Tensor hidden, Tensor? skip, Tensor temb)
    {
        using var scope = torch.NewDisposeScope();
        if (skip is not null)
            hidden = torch.cat([hidden, skip], dim: 1);
        foreach (var resnet in _resnets)
            hidden = resnet.Forward(hidden, temb);
        return (_upsampler?.Forward(hidden) ?? hidden).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// diffusers KCrossAttnUpBlock2D: the hidden state joined with the last of its skips (when there is one), then
/// (ResnetBlockCondNorm2D, KAttentionBlock) layers and an optional KUpsample2D. Upstream tells its three roles apart
/// by channels: the first block (in = out = the time embedding's width) takes no skip and adds self-attention; a
/// "middle" block (in ≠ out) leaves its last resnet with in_channels.
/// </summary>
public sealed class KCrossAttnUpBlock2D : Module
{
    private readonly ModuleList<ResnetBlockCondNorm2D> _resnets;
    private readonly ModuleList<KAttentionBlock> _attentions;
    private readonly KUpsample2D? _upsampler;

    public KCrossAttnUpBlock2D(int inChannels, int outChannels, bool addUpsample, KBlockArgs args)
    {
        bool first = inChannels == outChannels && outChannels == args.TembChannels;
        bool middle = inChannels != outChannels;
        int kIn = first ? outChannels : 2 * outChannels, kOut = inChannels, last = args.Layers - 1;
        _resnets = Register("resnets", new ModuleList<ResnetBlockCondNorm2D>(Enumerable.Range(0, args.Layers)
            .Select(i => args.Resnet(i == 0 ? kIn : outChannels, outChannels, outChannels, middle && i == last ? kOut : null))));
        _attentions = Register("attentions", new ModuleList<KAttentionBlock>(Enumerable.Range(0, args.Layers)
            .Select(i => args.Attention(i == last ? kOut : outChannels, addSelfAttention: first))));
        if (addUpsample)
            _upsampler = Register("upsamplers", new ModuleList<KUpsample2D>(new KUpsample2D()))[0];
    }

    public IReadOnlyList<KAttentionBlock> Attentions => _attentions;

    /// <summary>How many of the down path's skips this block takes (it uses the last).</summary>
    public int SkipCount => _resnets.Count;

    public Tensor Forward(Tensor hidden, Tensor? skip, Tensor temb, Tensor context)
    {
        using var scope = torch.NewDisposeScope();
        if (skip is not null)
            hidden = torch.cat([hidden, skip], dim: 1);
        for (int i = 0; i < _resnets.Count; i++)
            hidden = _attentions[i].Forward(_resnets[i].Forward(hidden, temb), context, temb);
        return (_upsampler?.Forward(hidden) ?? hidden).MoveToOuterDisposeScope();
    }
}
