using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Nodes.Diffusion.Text;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// ComfyUI's CLIP of SD1.x: a tokenizer and a text encoder that turn a prompt into conditioning. Like ComfyUI's CLIP
/// clones, a LoRA (<see cref="WithPatch"/>) or a last layer (<see cref="WithLastLayer"/>) gives a new CLIP sharing the
/// encoder's weights; the encoder is freed when the last CLIP sharing it is disposed. A derived CLIP's memory footprint
/// is its patches': the shared encoder is counted where it was loaded.
/// </summary>
[SocketType("CLIP")]
public sealed class ClipModel : IClip
{
    private readonly SharedDisposable<ClipTextModel> _encoder;
    private readonly ImmutableArray<SharedDisposable<IWeightPatch>> _patches;
    private readonly bool _derived;
    private int _disposed;

    public ClipModel(ClipTextModel encoder, ClipTokenizer tokenizer)
        : this(new SharedDisposable<ClipTextModel>(encoder), tokenizer, [], lastLayer: -1, derived: false)
    {
    }

    /// <param name="encoder">A lease this CLIP holds (and releases).</param>
    /// <param name="patches">Leases this CLIP holds (and releases).</param>
    private ClipModel(SharedDisposable<ClipTextModel> encoder, ClipTokenizer tokenizer, ImmutableArray<SharedDisposable<IWeightPatch>> patches, int lastLayer, bool derived)
    {
        (_encoder, Tokenizer, _patches, LastLayer, _derived) = (encoder, tokenizer, patches, lastLayer, derived);
        WeightDeltas = [.. patches.SelectMany(p => p.Value.Deltas)];
    }

    public ClipTextModel Encoder => _encoder.Value;

    public ClipTokenizer Tokenizer { get; }

    /// <summary>
    /// The layer whose hidden states, through final_layer_norm, are the conditioning (ComfyUI's clip_layer, CLIP skip):
    /// −1 the last, −2 the penultimate; past the first layer, the last.
    /// </summary>
    public int LastLayer { get; }

    /// <summary>The weight changes of the LoRAs applied, in order.</summary>
    public IReadOnlyList<WeightDelta> WeightDeltas { get; }

    public Device Device => ModuleMemory.DeviceOf(Encoder);

    public IReadOnlyList<Module> WeightModules => [Encoder];

    public long HostBytes => _derived ? _patches.Sum(p => p.Value.HostBytes) : ModuleMemory.HostBytes(Encoder);

    public long DeviceBytes => _derived ? _patches.Sum(p => p.Value.DeviceBytes) : ModuleMemory.DeviceBytes(Encoder);

    public void To(Device device, ScalarType dtype) => Encoder.to(device, dtype);

    /// <summary>A CLIP with <paramref name="patch"/> (which it then owns) added, sharing this one's encoder and patches; this one is unchanged.</summary>
    public ClipModel WithPatch(IWeightPatch patch) =>
        new(_encoder.Lease(), Tokenizer, [.. _patches.Select(p => p.Lease()), new SharedDisposable<IWeightPatch>(patch)], LastLayer, derived: true);

    /// <summary>The same encoder and patches, conditioning on the hidden states of <paramref name="layer"/> (ComfyUI's clip_layer).</summary>
    public ClipModel WithLastLayer(int layer) => new(_encoder.Lease(), Tokenizer, [.. _patches.Select(p => p.Lease())], layer, derived: true);

    /// <summary>CLIP's context is fixed: <paramref name="maxSequenceLength"/> is for T5 encoders.</summary>
    Conditioning IClip.Encode(string text, int maxSequenceLength, ILogger logger) => Encode(text, logger);

    /// <summary>
    /// As StableDiffusionPipeline.encode_prompt: tokens padded/truncated to the context, the final hidden states as
    /// the embeddings (or, with another <see cref="LastLayer"/>, that layer's through final_layer_norm, as ComfyUI's
    /// SD1ClipModel with layer_norm_hidden_state), the pooled output (always the last layer's) alongside, both on the CPU.
    /// </summary>
    public Conditioning Encode(string text, ILogger logger)
    {
        using var output = Forward(text, logger);
        int layers = output.HiddenStates.Count - 1;
        if (LastLayer == -1 || -LastLayer > layers)
            return new Conditioning(ModelTensors.ToHost(output.LastHiddenState), ModelTensors.ToHost(output.PooledOutput));
        using var hidden = Encoder.FinalLayerNorm(output.HiddenStates[layers + 1 + LastLayer]);
        return new Conditioning(ModelTensors.ToHost(hidden), ModelTensors.ToHost(output.PooledOutput));
    }

    /// <summary>
    /// The text encoder's outputs for <paramref name="text"/> (on <see cref="Device"/>), with the LoRAs applied, its
    /// tokens padded or truncated to the context as diffusers' pipelines do; truncation is logged as diffusers warns.
    /// </summary>
    public ClipTextOutput Forward(string text, ILogger logger)
    {
        var tokens = Tokenizer.EncodePadded(text, Encoder.Config.MaxPositionEmbeddings);
        if (tokens.TruncatedTokens > 0)
            logger.LogWarning("The following part of your input was truncated because CLIP can only handle sequences up to {Max} tokens: {Truncated}",
                Encoder.Config.MaxPositionEmbeddings, tokens.TruncatedText);
        using var ids = torch.tensor<long>(tokens.Ids.Select(i => (long)i).ToArray(), [1, tokens.Ids.Length]);
        using var onDevice = ids.to(Device);
        using var weights = PatchedWeights.Apply(Encoder, WeightDeltas);
        return Encoder.Forward(onDevice);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        foreach (var patch in _patches)
            patch.Release();
        _encoder.Release();
    }
}
