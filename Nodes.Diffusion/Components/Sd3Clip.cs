using Microsoft.Extensions.Logging;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Models.T5;
using Workflow.Nodes.Diffusion.Text;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>A CLIP text encoder with projection and its tokenizer (SD3's CLIP-L or CLIP-G).</summary>
public sealed record ProjectedClip(ClipTextModel Encoder, ClipTokenizer Tokenizer);

/// <summary>T5's encoder and its tokenizer (SD3's T5-XXL).</summary>
public sealed record T5Text(T5EncoderModel Encoder, T5Tokenizer Tokenizer);

/// <summary>
/// ComfyUI's CLIP of SD3 (its SD3ClipModel): CLIP-L, CLIP-G and, where present, T5, whose outputs are assembled as
/// diffusers' StableDiffusion3Pipeline.encode_prompt (v0.30.3) does. Each CLIP gives its penultimate hidden states
/// (no final norm) and its projected pooled output; the two sequences are joined on features and zero-padded to
/// T5's width, then T5's last hidden state follows them in the sequence; the pooled outputs are joined. Without T5
/// (users drop it to save memory) its part is zeros, as many rows as CLIP's context, <paramref name="jointAttentionDim"/> wide.
/// </summary>
public sealed class Sd3Clip(ProjectedClip clipL, ProjectedClip clipG, T5Text? t5, int jointAttentionDim) : IClip
{
    public ProjectedClip ClipL { get; } = clipL;

    public ProjectedClip ClipG { get; } = clipG;

    public T5Text? T5 { get; } = t5;

    /// <summary>The width of the joint text sequence the MM-DiT takes (T5's d_model; 4096 for SD3).</summary>
    public int JointAttentionDim { get; } = jointAttentionDim;

    public Device Device => ModuleMemory.DeviceOf(ClipL.Encoder);

    public IReadOnlyList<Module> WeightModules => Encoders;

    public long HostBytes => ModuleMemory.HostBytes(Encoders);

    public long DeviceBytes => ModuleMemory.DeviceBytes(Encoders);

    private Module[] Encoders => T5 is null ? [ClipL.Encoder, ClipG.Encoder] : [ClipL.Encoder, ClipG.Encoder, T5.Encoder];

    public void To(Device device, ScalarType dtype)
    {
        foreach (var encoder in Encoders)
            encoder.to(device, dtype);
    }

    public Conditioning Encode(string text, int maxSequenceLength, ILogger logger)
    {
        using var scope = torch.NewDisposeScope();
        // Each encoder's output is taken to float32 first: the three may compute in different dtypes.
        var (l, lPooled) = ClipEmbeddings(ClipL, text, logger);
        var (g, gPooled) = ClipEmbeddings(ClipG, text, logger);
        var t5 = T5 is null
            ? torch.zeros([1, l.shape[1], JointAttentionDim], dtype: torch.float32, device: l.device)
            : T5Embeddings(T5, text, maxSequenceLength, logger).@float();
        var embeddings = Assemble(l.@float(), g.@float(), t5);
        var pooled = torch.cat([lPooled.@float(), gPooled.@float()], dim: -1);
        return new Conditioning(ModelTensors.ToHost(embeddings), ModelTensors.ToHost(pooled));
    }

    /// <summary>_get_clip_prompt_embeds: hidden_states[-2] and text_embeds (the projected pooled output).</summary>
    public static (Tensor Penultimate, Tensor Pooled) ClipEmbeddings(ProjectedClip clip, string text, ILogger logger)
    {
        int context = clip.Encoder.Config.MaxPositionEmbeddings;
        var tokens = clip.Tokenizer.EncodePadded(text, context);
        if (tokens.TruncatedTokens > 0)
            logger.LogWarning("The following part of your input was truncated because CLIP can only handle sequences up to {Max} tokens: {Truncated}",
                context, tokens.TruncatedText);
        using var ids = torch.tensor<long>([.. tokens.Ids.Select(i => (long)i)], [1, tokens.Ids.Length]).to(ModuleMemory.DeviceOf(clip.Encoder));
        return ClipEmbeddings(clip.Encoder, ids);
    }

    /// <summary>hidden_states[-2] and text_embeds for token ids; a CLIP without its projection tensor projects by the identity.</summary>
    public static (Tensor Penultimate, Tensor Pooled) ClipEmbeddings(ClipTextModel encoder, Tensor ids)
    {
        using var output = encoder.Forward(ids);
        var pooled = encoder.TextProjection?.Forward(output.PooledOutput) ?? output.PooledOutput.alias();
        return (output.HiddenStates[^2].alias(), pooled);
    }

    /// <summary>_get_t5_prompt_embeds: the last hidden state of the ids padded or cut to <paramref name="maxSequenceLength"/>, no attention mask.</summary>
    public static Tensor T5Embeddings(T5Text t5, string text, int maxSequenceLength, ILogger logger)
    {
        var tokens = t5.Tokenizer.EncodePadded(text, maxSequenceLength);
        if (tokens.TruncatedTokens > 0)
            logger.LogWarning("The following part of your input was truncated because `max_sequence_length` is set to {Max} tokens: {Truncated}",
                maxSequenceLength, tokens.TruncatedText);
        using var ids = torch.tensor<long>([.. tokens.Ids.Select(i => (long)i)], [1, tokens.Ids.Length]).to(ModuleMemory.DeviceOf(t5.Encoder));
        return t5.Encoder.Forward(ids);
    }

    /// <summary>encode_prompt: [pad(cat(clip_l, clip_g on features), to T5's width) ; t5] along the sequence.</summary>
    public static Tensor Assemble(Tensor clipL, Tensor clipG, Tensor t5)
    {
        using var scope = torch.NewDisposeScope();
        var clip = torch.cat([clipL, clipG], dim: -1);
        if (clip.shape[^1] > t5.shape[^1])
            throw new InvalidOperationException($"CLIP-L and CLIP-G are {clip.shape[^1]} wide together, wider than T5's {t5.shape[^1]}: these encoders do not belong together");
        clip = F.pad(clip, [0, t5.shape[^1] - clip.shape[^1]]);
        return torch.cat([clip, t5], dim: -2).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var encoder in Encoders)
            encoder.Dispose();
    }
}
