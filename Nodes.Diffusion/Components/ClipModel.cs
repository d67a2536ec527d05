using Microsoft.Extensions.Logging;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Text;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>ComfyUI's CLIP of SD1.x: a tokenizer and a text encoder that turn a prompt into conditioning.</summary>
[SocketType("CLIP")]
public sealed class ClipModel(ClipTextModel encoder, ClipTokenizer tokenizer) : IClip
{
    public ClipTextModel Encoder { get; } = encoder;

    public ClipTokenizer Tokenizer { get; } = tokenizer;

    public Device Device => ModuleMemory.DeviceOf(Encoder);

    public long HostBytes => ModuleMemory.HostBytes(Encoder);

    public long DeviceBytes => ModuleMemory.DeviceBytes(Encoder);

    public void To(Device device) => Encoder.to(device);

    /// <summary>CLIP's context is fixed: <paramref name="maxSequenceLength"/> is for T5 encoders.</summary>
    Conditioning IClip.Encode(string text, int maxSequenceLength, ILogger logger) => Encode(text, logger);

    /// <summary>
    /// As StableDiffusionPipeline.encode_prompt: tokens padded/truncated to the context, the final hidden states as
    /// the embeddings, the pooled output alongside, both on the CPU.
    /// </summary>
    public Conditioning Encode(string text, ILogger logger)
    {
        using var output = Forward(text, logger);
        return new Conditioning(Cpu(output.LastHiddenState), Cpu(output.PooledOutput));
    }

    /// <summary>
    /// The text encoder's outputs for <paramref name="text"/> (on <see cref="Device"/>), its tokens padded or truncated
    /// to the context as diffusers' pipelines do; truncation is logged as diffusers warns about it.
    /// </summary>
    public ClipTextOutput Forward(string text, ILogger logger)
    {
        var tokens = Tokenizer.EncodePadded(text, Encoder.Config.MaxPositionEmbeddings);
        if (tokens.TruncatedTokens > 0)
            logger.LogWarning("The following part of your input was truncated because CLIP can only handle sequences up to {Max} tokens: {Truncated}",
                Encoder.Config.MaxPositionEmbeddings, tokens.TruncatedText);
        using var ids = torch.tensor<long>(tokens.Ids.Select(i => (long)i).ToArray(), [1, tokens.Ids.Length]);
        using var onDevice = ids.to(Device);
        return Encoder.Forward(onDevice);
    }

    /// <summary>A CPU copy that belongs to no dispose scope (what crosses nodes).</summary>
    public static Tensor Cpu(Tensor tensor) => tensor.to(Device.CPU, tensor.dtype, copy: true).DetachFromDisposeScope();

    public void Dispose() => Encoder.Dispose();
}
