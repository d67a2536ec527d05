using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Models.IpAdapter;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.MultiView;

/// <summary>
/// MVDream's MultiViewUNetModel (bytedance/MVDream mvdream/ldm/modules/diffusionmodules/openaimodel.py @c6a4d39) with
/// ImageDream's image prompt (bytedance/ImageDream extern/ImageDream/imagedream/.../openaimodel.py): LDM's UNet under
/// LDM's keys (time_embed, camera_embed, image_embed, input_blocks.N.M, middle_block, output_blocks.N.M, out), the
/// views of a sample folded into the batch (view index fastest), a camera MLP added to the timestep embedding, and
/// self-attention across all views of a sample. ImageDream adds the Resampler (image_embed) whose tokens follow the
/// text in the context, and, in pixel mode, the clean reference latent in the last view of every sample.
/// </summary>
public sealed class MultiViewUNetModel : Module, IDenoisingNetwork
{
    private readonly Timesteps _timeProj;
    private readonly Sequential _timeEmbed;
    private readonly Sequential? _cameraEmbed;
    private readonly ModuleList<TimestepEmbedSequential> _inputBlocks, _outputBlocks;
    private readonly TimestepEmbedSequential _middleBlock;
    private readonly Sequential _out;

    public MultiViewUNetModel(MultiViewUNetConfig config)
    {
        Config = config.Checked();
        int mc = config.ModelChannels, embed = config.TimeEmbedDim;
        _timeProj = new Timesteps(mc, FlipSinToCos: true, DownscaleFreqShift: 0);   // timestep_embedding: cos first
        _timeEmbed = Register("time_embed", new Sequential(new Linear(mc, embed), new SiLU(), new Linear(embed, embed)));
        if (config.CameraDim is int cameraDim)
            _cameraEmbed = Register("camera_embed", new Sequential(new Linear(cameraDim, embed), new SiLU(), new Linear(embed, embed)));
        if (config.HasImagePrompt)
            ImageEmbed = Register("image_embed", new Resampler(ImageEmbedConfig(config)));

        var (input, skipChannels) = InputBlocks(config);
        _inputBlocks = Register("input_blocks", new ModuleList<TimestepEmbedSequential>(input));
        int ch = mc * config.ChannelMult[^1];
        _middleBlock = Register("middle_block", new TimestepEmbedSequential(
            new ResBlock(ch, embed, ch), new SpatialTransformer3D(ch, config), new ResBlock(ch, embed, ch)));
        _outputBlocks = Register("output_blocks", new ModuleList<TimestepEmbedSequential>(OutputBlocks(config, skipChannels)));
        _out = Register("out", new Sequential(new GroupNorm(32, mc), new SiLU(), new Conv2d(mc, config.OutChannels, kernel_size: 3, padding: 1)));
        CrossAttentionLayers = [.. _inputBlocks.Append(_middleBlock).Concat(_outputBlocks)
            .SelectMany(b => b.Transformers).SelectMany(t => t.Blocks).Select(b => b.CrossAttention)];
    }

    public MultiViewUNetConfig Config { get; }

    /// <summary>ImageDream's image_embed: CLIP penultimate states (B, T, 1280) → (B, ip_dim, context_dim) tokens; null for MVDream.</summary>
    public Resampler? ImageEmbed { get; }

    Module IDenoisingNetwork.Module => this;

    /// <summary>Every transformer block's attn2, in module order (input, middle, output blocks).</summary>
    public IReadOnlyList<Attention> CrossAttentionLayers { get; }

    /// <summary>A sampler's call: the views, cameras and image prompt come from the MODEL's <see cref="MultiViewConditioning"/> patch.</summary>
    Tensor IDenoisingNetwork.Forward(Tensor sample, Tensor timestep, Tensor context, PatchedCall? patches)
    {
        var conditioning = patches?.Of<MultiViewConditioning>().LastOrDefault()
            ?? throw new InvalidOperationException("This MODEL is a multi-view network (MVDream/ImageDream): pass it through the MultiViewUNet node, which gives it the cameras, before sampling.");
        return conditioning.Forward(this, sample, timestep, context, patches!);
    }

    /// <summary>
    /// forward(x, timesteps, context, camera, num_frames, ip_img): the prediction for <paramref name="x"/> [B·F, C, H, W]
    /// at <paramref name="timesteps"/> (0-dim or [B·F]) with <paramref name="context"/> [B·F, tokens, context_dim]
    /// (ImageDream: the text tokens followed by the image tokens). The caller's <paramref name="x"/> is not changed:
    /// the reference latents are written into a copy (upstream writes into the caller's tensor).
    /// </summary>
    public Tensor Forward(Tensor x, Tensor timesteps, Tensor context, MultiViewInputs inputs, IIntermediateCapture? capture = null, IAttentionPatch? patch = null)
    {
        CheckShapes(x, inputs);
        using var scope = torch.NewDisposeScope();
        var emb = Embedding(x, timesteps, inputs.Camera, capture);
        var h = Record(capture, "x", inputs.ReferenceLatents is { } references ? ReferenceSlot.Overwrite(x, references, inputs.NumFrames) : x);
        var blockInputs = new BlockInputs(emb, context, inputs.NumFrames,
            ImageEmbed is null ? patch : new ImagePromptPatch(patch, inputs.IpWeight ?? Config.IpWeight));

        var hs = new List<Tensor>();
        for (int i = 0; i < _inputBlocks.Count; i++)
            hs.Add(h = Record(capture, $"input_blocks.{i}", _inputBlocks[i].Forward(h, blockInputs)));
        h = Record(capture, "middle_block", _middleBlock.Forward(h, blockInputs));
        for (int i = 0; i < _outputBlocks.Count; i++)
        {
            var joined = torch.cat([h, hs[^1]], dim: 1);
            hs.RemoveAt(hs.Count - 1);
            h = Record(capture, $"output_blocks.{i}", _outputBlocks[i].Forward(joined, blockInputs));
        }
        return _out.Forward(h).MoveToOuterDisposeScope();
    }

    /// <summary>time_embed(timestep_embedding(t)) + camera_embed(camera).</summary>
    private Tensor Embedding(Tensor x, Tensor timesteps, Tensor? camera, IIntermediateCapture? capture)
    {
        var t = (timesteps.ndim == 0 ? timesteps.unsqueeze(0) : timesteps).expand(x.shape[0]);
        var tEmb = Record(capture, "timestep_embedding", _timeProj.Forward(t).to(x.dtype));
        var emb = Record(capture, "time_embed", _timeEmbed.Forward(tEmb));
        if (camera is null)
            return emb;
        if (_cameraEmbed is null)
            throw new ArgumentException("This UNet has no camera embedding (camera_dim), but cameras were given.");
        return emb + Record(capture, "camera_embed", _cameraEmbed.Forward(camera.to(x.dtype)));
    }

    private void CheckShapes(Tensor x, MultiViewInputs inputs)
    {
        long rows = x.shape[0];
        if (inputs.NumFrames < 1 || rows % inputs.NumFrames != 0)
            throw new ArgumentException($"The batch of {rows} latents is not a whole number of samples of {inputs.NumFrames} views.");
        if (inputs.Camera is { } camera && camera.shape[0] != rows)
            throw new ArgumentException($"{camera.shape[0]} camera rows for a batch of {rows} latents.");
        int factor = 1 << (Config.ChannelMult.Length - 1);
        if (x.shape[2] % factor != 0 || x.shape[3] % factor != 0)
            throw new ArgumentException($"Latents of {x.shape[2]}×{x.shape[3]} do not halve {Config.ChannelMult.Length - 1} times: each side must be a multiple of {factor} (image sides of {8 * factor}).");
    }

    /// <summary>ImageDream's Resampler, hard-wired upstream (openaimodel.py): depth 4, 12 heads of 64, 1280-wide features, ff_mult 4.</summary>
    private static ResamplerConfig ImageEmbedConfig(MultiViewUNetConfig config) =>
        new(Dim: config.ContextDim, Depth: 4, DimHead: 64, Heads: 12, NumQueries: config.IpDim, EmbeddingDim: 1280,
            OutputDim: config.ContextDim, FeedForwardDim: config.ContextDim * 4);

    /// <summary>input_blocks as upstream's loop builds them, and the channels of each one's output (the skips).</summary>
    private static (List<TimestepEmbedSequential> Blocks, Stack<int> SkipChannels) InputBlocks(MultiViewUNetConfig config)
    {
        int mc = config.ModelChannels, embed = config.TimeEmbedDim, ch = mc, ds = 1;
        var blocks = new List<TimestepEmbedSequential> { new(new Conv2d(config.InChannels, mc, kernel_size: 3, padding: 1)) };
        var skips = new Stack<int>([mc]);
        for (int level = 0; level < config.ChannelMult.Length; level++)
        {
            for (int n = 0; n < config.NumResBlocks; n++)
            {
                int outChannels = config.ChannelMult[level] * mc;
                var resBlock = new ResBlock(ch, embed, outChannels);
                ch = outChannels;
                blocks.Add(config.AttentionResolutions.Contains(ds) ? new(resBlock, new SpatialTransformer3D(ch, config)) : new(resBlock));
                skips.Push(ch);
            }
            if (level == config.ChannelMult.Length - 1)
                continue;
            blocks.Add(new(new Downsample(ch)));
            skips.Push(ch);
            ds *= 2;
        }
        return (blocks, skips);
    }

    /// <summary>output_blocks: num_res_blocks + 1 per level, deepest first, each taking one skip; all but the last level end with an Upsample.</summary>
    private static List<TimestepEmbedSequential> OutputBlocks(MultiViewUNetConfig config, Stack<int> skipChannels)
    {
        int mc = config.ModelChannels, embed = config.TimeEmbedDim, levels = config.ChannelMult.Length;
        int ch = mc * config.ChannelMult[^1], ds = 1 << (levels - 1);
        var blocks = new List<TimestepEmbedSequential>();
        for (int level = levels - 1; level >= 0; level--)
        {
            for (int i = 0; i <= config.NumResBlocks; i++)
            {
                int outChannels = mc * config.ChannelMult[level];
                var layers = new List<Module> { new ResBlock(ch + skipChannels.Pop(), embed, outChannels) };
                ch = outChannels;
                if (config.AttentionResolutions.Contains(ds))
                    layers.Add(new SpatialTransformer3D(ch, config));
                if (level > 0 && i == config.NumResBlocks)
                {
                    layers.Add(new Upsample2D(ch));
                    ds /= 2;
                }
                blocks.Add(new TimestepEmbedSequential([.. layers]));
            }
        }
        return blocks;
    }

    private static Tensor Record(IIntermediateCapture? capture, string name, Tensor value)
    {
        capture?.Record(name, value);
        return value;
    }

    /// <summary>ImageDream's attn2 layers use the call's ip_weight; every other layer what the MODEL's patches say.</summary>
    private sealed class ImagePromptPatch(IAttentionPatch? modelPatches, double ipWeight) : IAttentionPatch
    {
        public IAttentionProcessor? ProcessorFor(Attention attention) =>
            attention is ImagePromptAttention imagePrompt ? imagePrompt.WithIpWeight(ipWeight) : modelPatches?.ProcessorFor(attention);
    }
}
