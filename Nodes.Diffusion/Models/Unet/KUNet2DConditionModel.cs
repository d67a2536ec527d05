using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Unet;

/// <summary>
/// diffusers UNet2DConditionModel built from K blocks (v0.27.2 models/unets/unet_2d_condition.py with
/// KDownBlock2D / KCrossAttnDownBlock2D / KCrossAttnUpBlock2D / KUpBlock2D), the network of
/// stabilityai/sd-x2-latent-upscaler; keys are upstream's (time_proj, time_embedding, conv_in, down_blocks.N,
/// up_blocks.N, conv_out). Upstream runs it through the same class as the SD UNet; here it is a class of its own
/// because little is shared: the Fourier time embedding takes a condition (timestep_cond), every norm is an
/// AdaGroupNorm on the time embedding, there is no mid block and no norm before conv_out, and each up block joins
/// only the last of its skips.
/// </summary>
public sealed class KUNet2DConditionModel : Module
{
    private readonly GaussianFourierProjection _timeProj;
    private readonly TimestepEmbedding _timeEmbedding;
    private readonly Conv2d _convIn, _convOut;
    private readonly KDownBlock2D _firstDownBlock;
    private readonly IReadOnlyList<KCrossAttnDownBlock2D> _crossAttnDownBlocks;
    private readonly IReadOnlyList<KCrossAttnUpBlock2D> _crossAttnUpBlocks;
    private readonly KUpBlock2D _lastUpBlock;

    public KUNet2DConditionModel(KUNet2DConditionConfig config)
    {
        Config = config.Checked();
        var channels = config.BlockOutChannels;
        int levels = channels.Length, tembDim = config.TimeEmbedDim;
        _timeProj = Register("time_proj", new GaussianFourierProjection(tembDim / 2, log: false, config.FlipSinToCos));
        _timeEmbedding = Register("time_embedding", new TimestepEmbedding(tembDim, tembDim, config.ActFn, config.TimeCondProjDim, config.TimestepPostAct));
        _convIn = Register("conv_in", new Conv2d(config.InChannels, channels[0], config.ConvInKernel, padding: (config.ConvInKernel - 1) / 2));
        var args = new KBlockArgs(config.LayersPerBlock, tembDim, config.NormEps, config.ActFn, config.CrossAttentionDim, config.AttentionHeadDim);

        var down = Register("down_blocks", new ModuleList<Module>());
        _firstDownBlock = (KDownBlock2D)down.Add(new KDownBlock2D(channels[0], channels[0], addDownsample: true, args));
        _crossAttnDownBlocks = [.. Enumerable.Range(1, levels - 1).Select(i =>
            (KCrossAttnDownBlock2D)down.Add(new KCrossAttnDownBlock2D(channels[i - 1], channels[i], addDownsample: i < levels - 1, args)))];

        // Up block i works at level levels-1-i: out = that level's channels, in = the next shallower level's (the first level's at the end).
        var reversed = channels.Reverse().ToArray();
        var up = Register("up_blocks", new ModuleList<Module>());
        _crossAttnUpBlocks = [.. Enumerable.Range(0, levels - 1).Select(i =>
            (KCrossAttnUpBlock2D)up.Add(new KCrossAttnUpBlock2D(reversed[i + 1], reversed[i], addUpsample: true, args)))];
        _lastUpBlock = (KUpBlock2D)up.Add(new KUpBlock2D(reversed[^1], reversed[^1], addUpsample: false, args));

        _convOut = Register("conv_out", new Conv2d(channels[0], config.OutChannels, config.ConvOutKernel, padding: (config.ConvOutKernel - 1) / 2));
    }

    public KUNet2DConditionConfig Config { get; }

    /// <summary>Down samplings the input passes through: its sides must be divisible by 2^this.</summary>
    public int Downsamplings => Config.BlockOutChannels.Length - 1;

    /// <summary>
    /// The network's output [B, out_channels, H, W] for <paramref name="sample"/> [B, in_channels, H, W] at the noise
    /// level <paramref name="timestep"/> (0-dim or [B]; the upscaler passes ln σ / 4), with the text
    /// <paramref name="encoderHiddenStates"/> [B, T, cross_attention_dim] and <paramref name="timestepCond"/>
    /// [B, time_cond_proj_dim] added to the Fourier features.
    /// </summary>
    public Tensor Forward(Tensor sample, Tensor timestep, Tensor encoderHiddenStates, Tensor? timestepCond, IIntermediateCapture? capture = null)
    {
        using var scope = torch.NewDisposeScope();
        if (Config.CenterInputSample)
            sample = sample * 2 - 1.0;

        // 1. time
        var timesteps = (timestep.ndim == 0 ? timestep.unsqueeze(0) : timestep).to(sample.device).expand(sample.shape[0]);
        var tEmb = capture.Recorded("time_proj", _timeProj.Forward(timesteps).to(sample.dtype));
        var emb = capture.Recorded("time_embedding", _timeEmbedding.Forward(tEmb, timestepCond));

        // 2. pre-process
        var hidden = capture.Recorded("conv_in", _convIn.Forward(sample));

        // 3. down: the skips, conv_in's first (no up block reaches it), then each block's, null where it keeps none.
        var skips = new List<Tensor?> { hidden };
        Down(0, _firstDownBlock.Forward(hidden, emb));
        for (int i = 0; i < _crossAttnDownBlocks.Count; i++)
            Down(i + 1, _crossAttnDownBlocks[i].Forward(hidden, emb, encoderHiddenStates));

        // 4. up: each block takes as many skips as it has layers and joins the last of them.
        for (int i = 0; i < _crossAttnUpBlocks.Count; i++)
            hidden = capture.Recorded($"up_blocks.{i}", _crossAttnUpBlocks[i].Forward(hidden, TakeSkips(skips, _crossAttnUpBlocks[i].SkipCount), emb, encoderHiddenStates));
        hidden = capture.Recorded($"up_blocks.{_crossAttnUpBlocks.Count}", _lastUpBlock.Forward(hidden, TakeSkips(skips, _lastUpBlock.SkipCount), emb));

        // 5. post-process (no norm: norm_num_groups is null)
        return _convOut.Forward(hidden).MoveToOuterDisposeScope();

        void Down(int index, KDownOutput block)
        {
            hidden = capture.Recorded($"down_blocks.{index}", block.Hidden);
            skips.AddRange(block.Skips);
        }
    }

    /// <summary>Removes the last <paramref name="count"/> skips and returns the last of them (the one upstream's K up blocks use).</summary>
    private static Tensor? TakeSkips(List<Tensor?> skips, int count)
    {
        var last = skips[^1];
        skips.RemoveRange(skips.Count - count, count);
        return last;
    }
}
