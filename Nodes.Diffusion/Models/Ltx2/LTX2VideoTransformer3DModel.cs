using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2;

/// <summary>What one forward gives: the velocity [B, N, out_channels], and each layer's keys and values if asked for.</summary>
public sealed record LTX2Output(Tensor Sample, IReadOnlyList<CapturedKv> Captured) : IDisposable
{
    public void Dispose()
    {
        Sample.Dispose();
        foreach (var layer in Captured)
            layer.Dispose();
    }
}

/// <summary>
/// diffusers LTX2VideoTransformer3DModel (transformer_ltx2.py, as of SANA-WM's PR #13881 @ b9fd857), the video stream
/// only, as SANA-WM's refiner runs it (refiner.py, _forward_video_only_with_rope): patchified latent tokens through
/// proj_in; the prompt through caption_projection; the timestep through time_embed (AdaLN-single: six modulation
/// vectors per block plus the embedding the output layer uses); the blocks; a LayerNorm modulated by
/// scale_shift_table and the embedding; proj_out. RoPE tables come from <see cref="Rope"/> for the tokens' absolute
/// frames, so a caller can place a block of frames anywhere in a clip and hand each layer a K/V prefix.
/// </summary>
public sealed class LTX2VideoTransformer3DModel : Module
{
    private readonly Linear _projIn, _projOut;
    private readonly PixArtAlphaTextProjection? _captionProjection;
    private readonly LTX2AdaLayerNormSingle _timeEmbed;
    private readonly ModuleList<LTX2VideoTransformerBlock> _blocks;
    private readonly LayerNorm _normOut;
    private readonly Tensor _scaleShiftTable;

    public LTX2VideoTransformer3DModel(LTX2VideoTransformerConfig config)
    {
        Config = config;
        int inner = config.InnerDim;
        _projIn = Register("proj_in", new Linear(config.InChannels, inner));
        if (config.UsePromptEmbeddings)
            _captionProjection = Register("caption_projection", new PixArtAlphaTextProjection(config.CaptionChannels, inner));
        _timeEmbed = Register("time_embed", new LTX2AdaLayerNormSingle(inner));
        _scaleShiftTable = Parameter("scale_shift_table", 2, inner);
        _blocks = Register("transformer_blocks", new ModuleList<LTX2VideoTransformerBlock>(
            Enumerable.Range(0, config.NumLayers).Select(_ => new LTX2VideoTransformerBlock(config))));
        _normOut = Register("norm_out", new LayerNorm(inner, eps: 1e-6, elementwise_affine: false));
        _projOut = Register("proj_out", new Linear(inner, config.OutChannelsOrIn));
        Rope = new LTX2AudioVideoRotaryPosEmbed(config);
    }

    /// <summary>
    /// Checkpoint keys of the parts this video-only port does not build (diffusers' _keys_to_ignore_on_load_unexpected
    /// style patterns): the audio stream, its caption projection and timestep embeddings, and the audio↔video
    /// cross-attention with its modulation.
    /// </summary>
    public static IReadOnlyCollection<string> AudioStreamKeys { get; } =
    [
        @"^audio_",
        @"^av_cross_attn_",
        @"^transformer_blocks\.\d+\.(audio_|video_to_audio_|audio_to_video_)",
        @"^transformer_blocks\.\d+\.video_a2v_cross_attn_scale_shift_table$",
    ];

    public LTX2VideoTransformerConfig Config { get; }

    public LTX2AudioVideoRotaryPosEmbed Rope { get; }

    public int LayerCount => _blocks.Count;

    /// <param name="hiddenStates">[B, N, in_channels] patchified latents (<see cref="LatentPacking.Pack"/>).</param>
    /// <param name="encoderHiddenStates">[B, L, caption_channels] prompt embeddings.</param>
    /// <param name="timestep">[B, N] timesteps already scaled by timestep_scale_multiplier, or [B, 1] for one per sample.</param>
    /// <param name="encoderAttentionMask">[B, L], 1 for prompt tokens and 0 for padding; null attends to all.</param>
    /// <param name="rope">The tokens' RoPE (<see cref="Rope"/>).</param>
    /// <param name="window">Each layer's K/V prefix and which keys to hand back; null for neither.</param>
    public LTX2Output Forward(Tensor hiddenStates, Tensor encoderHiddenStates, Tensor timestep, Tensor? encoderAttentionMask,
        RotaryEmbedding rope, SelfAttentionWindow? window = null)
    {
        window ??= SelfAttentionWindow.None;
        using var scope = torch.NewDisposeScope();
        long batch = hiddenStates.shape[0];
        // The mask becomes an additive bias, as upstream: (1 − mask)·−10000, broadcast over heads and queries.
        var maskBias = encoderAttentionMask is null ? null
            : ((1 - encoderAttentionMask.to(hiddenStates.dtype)) * -10000.0).view(batch, 1, 1, -1);

        hiddenStates = _projIn.Forward(hiddenStates);
        var (temb, embeddedTimestep) = _timeEmbed.Forward(timestep.flatten(), hiddenStates.dtype);
        temb = temb.view(batch, -1, temb.shape[^1]);
        embeddedTimestep = embeddedTimestep.view(batch, -1, embeddedTimestep.shape[^1]);
        var prompt = _captionProjection?.Forward(encoderHiddenStates).view(batch, -1, hiddenStates.shape[^1]) ?? encoderHiddenStates;

        var captured = new List<CapturedKv>();
        for (var layer = 0; layer < _blocks.Count; layer++)
        {
            (hiddenStates, var kv) = _blocks[layer].Forward(hiddenStates, prompt, temb, maskBias, rope, window.PrefixFor(layer), window.Capture);
            if (kv is not null)
                captured.Add(kv.MoveToOuterDisposeScope());
        }

        var modulation = _scaleShiftTable.view(1, 1, 2, -1) + embeddedTimestep.unsqueeze(2);
        var (shift, scale) = (modulation.select(2, 0), modulation.select(2, 1));
        hiddenStates = _normOut.Forward(hiddenStates) * (1 + scale) + shift;
        return new LTX2Output(_projOut.Forward(hiddenStates).MoveToOuterDisposeScope(), captured);
    }
}
