using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Sd3;

/// <summary>
/// diffusers SD3Transformer2DModel (v0.31 models/transformers/transformer_sd3.py; Esser et al. 2024, "Scaling Rectified
/// Flow Transformers", the MM-DiT): patch embedding with the cropped position table, a conditioning vector from the
/// timestep and the pooled text, the text tokens projected to the model's width, joint blocks over both streams, then
/// an adaptive norm and a linear layer back to patches. Predicts the flow velocity v. Intermediates are reported under
/// diffusers' module names (pos_embed, time_text_embed, context_embedder, transformer_blocks.N.out0 / out1, norm_out, proj_out).
/// </summary>
public sealed class SD3Transformer2DModel : Module, IPooledTextNetwork
{
    private readonly PatchEmbed _posEmbed;
    private readonly Timesteps _timeProj = new(256, FlipSinToCos: true, DownscaleFreqShift: 0);
    private readonly TimestepEmbedding _timestepEmbedder, _textEmbedder;
    private readonly Linear _contextEmbedder, _projOut;
    private readonly ModuleList<JointTransformerBlock> _blocks;
    private readonly AdaLayerNormContinuous _normOut;

    public SD3Transformer2DModel(Sd3TransformerConfig config)
    {
        Config = config.Checked();
        int dim = config.InnerDim;
        _posEmbed = Register("pos_embed", new PatchEmbed(config));
        var timeTextEmbed = Register("time_text_embed", new TimeTextEmbedding());
        // PixArtAlphaTextProjection (linear_1, SiLU, linear_2) has TimestepEmbedding's layout.
        _timestepEmbedder = timeTextEmbed.Add("timestep_embedder", new TimestepEmbedding(256, dim));
        _textEmbedder = timeTextEmbed.Add("text_embedder", new TimestepEmbedding(config.PooledProjectionDim, dim));
        _contextEmbedder = Register("context_embedder", new Linear(config.JointAttentionDim, config.CaptionProjectionDim));
        _blocks = Register("transformer_blocks", new ModuleList<JointTransformerBlock>(Enumerable.Range(0, config.NumLayers)
            .Select(i => new JointTransformerBlock(config, contextPreOnly: i == config.NumLayers - 1, dualAttention: config.DualAttentionLayers.Contains(i)))));
        _normOut = Register("norm_out", new AdaLayerNormContinuous(dim));
        _projOut = Register("proj_out", new Linear(dim, config.PatchSize * config.PatchSize * config.OutChannels));
    }

    public Sd3TransformerConfig Config { get; }

    public Module Module => this;

    /// <summary>The joint attention is no cross-attention: patches that act there (IP-Adapter) do not fit this network.</summary>
    public IReadOnlyList<Attention> CrossAttentionLayers => [];

    public PatchEmbed PosEmbed => _posEmbed;

    Tensor IDenoisingNetwork.Forward(Tensor sample, Tensor timestep, Tensor context, PatchedCall? patches) =>
        throw new InvalidOperationException("SD3's transformer needs the pooled text embeddings too (a CONDITIONING from an SD3 CLIP).");

    Tensor IPooledTextNetwork.Forward(Tensor sample, Tensor timestep, Tensor context, Tensor pooled, PatchedCall? patches) =>
        Forward(sample, timestep, context, pooled);

    /// <summary>
    /// The velocity for latents <paramref name="sample"/> [B, C, H, W] at <paramref name="timestep"/> (σ·1000; 0-dim or
    /// [B]) given the text tokens [B, L, joint_attention_dim] and pooled text [B, pooled_projection_dim].
    /// </summary>
    public Tensor Forward(Tensor sample, Tensor timestep, Tensor context, Tensor pooled, IIntermediateCapture? capture = null)
    {
        using var scope = torch.NewDisposeScope();
        long height = sample.shape[^2], width = sample.shape[^1], p = Config.PatchSize;
        if (height % p != 0 || width % p != 0)
            throw new ArgumentException($"latents of {height}×{width} do not divide into {p}×{p} patches: image sides must be multiples of {p * 8}");
        var image = capture.Recorded("pos_embed", _posEmbed.Forward(sample));
        var timesteps = (timestep.ndim == 0 ? timestep.unsqueeze(0) : timestep).expand(sample.shape[0]);
        var conditioning = capture.Recorded("time_text_embed",
            _timestepEmbedder.Forward(_timeProj.Forward(timesteps).to(pooled.dtype)) + _textEmbedder.Forward(pooled));
        Tensor? text = capture.Recorded("context_embedder", _contextEmbedder.Forward(context));
        for (int i = 0; i < _blocks.Count; i++)
        {
            (text, image) = _blocks[i].Forward(image, text!, conditioning);
            if (text is not null)
                capture?.Record($"transformer_blocks.{i}.out0", text);
            capture?.Record($"transformer_blocks.{i}.out1", image);
        }
        image = capture.Recorded("norm_out", _normOut.Forward(image, conditioning));
        image = capture.Recorded("proj_out", _projOut.Forward(image));
        // unpatchify: (N, h, w, p, q, C) → (N, C, h, p, w, q) → (N, C, H, W)
        long h = height / p, w = width / p;
        var patches = image.reshape(image.shape[0], h, w, p, p, Config.OutChannels).permute(0, 5, 1, 3, 2, 4);
        return patches.reshape(image.shape[0], Config.OutChannels, height, width).MoveToOuterDisposeScope();
    }

    /// <summary>CombinedTimestepTextProjEmbeddings' key level: timestep_embedder and text_embedder.</summary>
    private sealed class TimeTextEmbedding : Module
    {
        public T Add<T>(string name, T module) where T : Module => Register(name, module);
    }
}
