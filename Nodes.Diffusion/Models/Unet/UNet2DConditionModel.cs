using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Unet;

/// <summary>
/// diffusers UNet2DConditionModel (v0.27.2 models/unets/unet_2d_condition.py) for SD1.x/SD2.x: the module tree and
/// keys are upstream's (time_embedding, conv_in, down_blocks.N, mid_block, up_blocks.N, conv_norm_out, conv_out).
/// </summary>
public sealed class UNet2DConditionModel : Module, IDenoisingNetwork
{
    private readonly Timesteps _timeProj;
    private readonly TimestepEmbedding _timeEmbedding;
    private readonly Conv2d _convIn, _convOut;
    private readonly ModuleList<UNetDownBlock> _downBlocks;
    private readonly UNetMidBlock2DCrossAttn _midBlock;
    private readonly ModuleList<UNetUpBlock> _upBlocks;
    private readonly GroupNorm _convNormOut;

    public UNet2DConditionModel(UNet2DConditionConfig config)
    {
        Config = config.Checked();
        var channels = config.BlockOutChannels;
        int timeEmbedDim = channels[0] * 4;
        _timeProj = new Timesteps(channels[0], config.FlipSinToCos, config.FreqShift);
        _timeEmbedding = Register("time_embedding", new TimestepEmbedding(channels[0], timeEmbedDim));
        _convIn = Register("conv_in", new Conv2d(config.InChannels, channels[0], kernel_size: 3, padding: 1));

        var heads = config.HeadsPerBlock;
        var depth = config.TransformerLayersPerBlockValues;
        UNetBlockArgs Args(int i, int layers, double scale = 1.0) =>
            new(layers, timeEmbedDim, config.NormNumGroups, config.NormEps, heads[i], config.CrossAttentionDim, depth[i], config.UseLinearProjection, scale);

        _downBlocks = Register("down_blocks", new ModuleList<UNetDownBlock>(channels.Select((output, i) => new UNetDownBlock(
            config.DownBlockTypes[i], i == 0 ? channels[0] : channels[i - 1], output, i < channels.Length - 1,
            config.DownsamplePadding, Args(i, config.LayersPerBlock)))));

        if (config.MidBlockType != "UNetMidBlock2DCrossAttn")
            throw new NotSupportedException($"UNet mid block type '{config.MidBlockType}' is not supported.");
        _midBlock = Register("mid_block", new UNetMidBlock2DCrossAttn(channels[^1], Args(channels.Length - 1, 1, config.MidBlockScaleFactor)));

        var reversed = channels.Reverse().ToArray();
        var reversedIndex = Enumerable.Range(0, channels.Length).Reverse().ToArray();
        _upBlocks = Register("up_blocks", new ModuleList<UNetUpBlock>(reversed.Select((output, i) => new UNetUpBlock(
            config.UpBlockTypes[i],
            new UpBlockChannels(reversed[Math.Min(i + 1, reversed.Length - 1)], output, i == 0 ? reversed[0] : reversed[i - 1]),
            i < reversed.Length - 1, Args(reversedIndex[i], config.LayersPerBlock + 1)))));

        _convNormOut = Register("conv_norm_out", new GroupNorm(config.NormNumGroups, channels[0], config.NormEps));
        _convOut = Register("conv_out", new Conv2d(channels[0], config.OutChannels, kernel_size: 3, padding: 1));
        CrossAttentionLayers = [.. _downBlocks.SelectMany(b => b.Attentions).Concat(_upBlocks.SelectMany(b => b.Attentions)).Concat(_midBlock.Attentions)
            .SelectMany(t => t.Blocks).Select(b => b.CrossAttention)];
    }

    public UNet2DConditionConfig Config { get; }

    Module IDenoisingNetwork.Module => this;

    Tensor IDenoisingNetwork.Forward(Tensor sample, Tensor timestep, Tensor context, PatchedCall? patches) =>
        Forward(sample, timestep, context, patch: patches);

    /// <summary>
    /// Every transformer block's cross-attention (attn2) in upstream's registration order (down, up, then mid), as
    /// IP-Adapter's checkpoints number them.
    /// </summary>
    public IReadOnlyList<Attention> CrossAttentionLayers { get; }

    /// <summary>
    /// Predicts the noise (or v) of <paramref name="sample"/> [B,C,H,W] at <paramref name="timestep"/> (0-dim or [B]);
    /// <paramref name="patch"/> changes the attention math of this call (a patched MODEL).
    /// </summary>
    public Tensor Forward(Tensor sample, Tensor timestep, Tensor encoderHiddenStates, IIntermediateCapture? capture = null, IAttentionPatch? patch = null)
    {
        using var scope = torch.NewDisposeScope();
        // 0. Sizes not divisible by 2^upsamplers make each upsampler match its skip instead of doubling.
        int upsamplers = _upBlocks.Count - 1;
        bool forwardUpsampleSize = sample.shape[^2..].Any(s => s % (1 << upsamplers) != 0);

        // 1. time
        var timesteps = (timestep.ndim == 0 ? timestep.unsqueeze(0) : timestep).expand(sample.shape[0]);
        var tEmb = capture.Recorded("time_proj", _timeProj.Forward(timesteps).to(sample.dtype));
        var emb = capture.Recorded("time_embedding", _timeEmbedding.Forward(tEmb));

        // 2. pre-process
        var hidden = capture.Recorded("conv_in", _convIn.Forward(sample));

        // 3. down
        var skips = new List<Tensor> { hidden };
        for (int i = 0; i < _downBlocks.Count; i++)
        {
            (hidden, var blockSkips) = _downBlocks[i].Forward(hidden, emb, encoderHiddenStates, patch);
            skips.AddRange(blockSkips);
            capture.Recorded($"down_blocks.{i}", hidden);
        }

        // 4. mid
        hidden = capture.Recorded("mid_block", _midBlock.Forward(hidden, emb, encoderHiddenStates, patch));

        // 5. up: each block takes the last skips the down path left, most recent first.
        for (int i = 0; i < _upBlocks.Count; i++)
        {
            var block = _upBlocks[i];
            var blockSkips = skips.GetRange(skips.Count - block.SkipCount, block.SkipCount);
            skips.RemoveRange(skips.Count - block.SkipCount, block.SkipCount);
            long[]? upsampleSize = forwardUpsampleSize && i < _upBlocks.Count - 1 ? skips[^1].shape[2..] : null;
            hidden = capture.Recorded($"up_blocks.{i}", block.Forward(hidden, blockSkips, emb, encoderHiddenStates, upsampleSize, patch));
        }

        // 6. post-process
        hidden = capture.Recorded("conv_norm_out", _convNormOut.Forward(hidden));
        return _convOut.Forward(F.silu(hidden)).MoveToOuterDisposeScope();
    }
}
