using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Clip;

/// <summary>What the vision tower returns for a batch of pixel tensors.</summary>
public sealed class ClipVisionModelOutput(Tensor imageEmbeds, Tensor lastHiddenState, IReadOnlyList<Tensor> hiddenStates) : IDisposable
{
    /// <summary>visual_projection(post_layernorm(class token of the last layer)): the base IP-Adapter's input.</summary>
    public Tensor ImageEmbeds { get; } = imageEmbeds;

    /// <summary>The last layer's output (no post_layernorm).</summary>
    public Tensor LastHiddenState { get; } = lastHiddenState;

    /// <summary>[0] pre_layrnorm(embeddings), [i] the output of layer i; [^2] is IP-Adapter Plus' and ImageDream's feature.</summary>
    public IReadOnlyList<Tensor> HiddenStates { get; } = hiddenStates;

    public void Dispose()
    {
        ImageEmbeds.Dispose();
        LastHiddenState.Dispose();
        foreach (var state in HiddenStates)
            state.Dispose();
    }
}

/// <summary>
/// transformers CLIPVisionModelWithProjection (v4.38 models/clip/modeling_clip.py): keys vision_model.* (embeddings,
/// pre_layrnorm, encoder.layers.N, post_layernorm) and visual_projection.weight, the layout of IP-Adapter's
/// image_encoder/ and ComfyUI's clip_vision files.
/// </summary>
public sealed class ClipVisionModel : Module
{
    private readonly ClipVisionTransformer _visionModel;
    private readonly Linear _visualProjection;

    public ClipVisionModel(ClipVisionConfig config)
    {
        Config = config;
        _visionModel = Register("vision_model", new ClipVisionTransformer(config));
        _visualProjection = Register("visual_projection", new Linear(config.HiddenSize, config.ProjectionDim, bias: false));
    }

    public ClipVisionConfig Config { get; }

    /// <summary>Encodes normalized pixels [B, 3, S, S] (S = image_size).</summary>
    public ClipVisionModelOutput Forward(Tensor pixelValues)
    {
        using var scope = torch.NewDisposeScope();
        var (states, pooled) = _visionModel.Forward(pixelValues);
        var embeds = _visualProjection.Forward(pooled);
        return new ClipVisionModelOutput(embeds.MoveToOuterDisposeScope(), states[^1].alias().MoveToOuterDisposeScope(),
            [.. states.Select(s => s.MoveToOuterDisposeScope())]);
    }
}

internal sealed class ClipVisionTransformer : Module
{
    private readonly ClipVisionEmbeddings _embeddings;
    private readonly LayerNorm _preLayrnorm, _postLayernorm;
    private readonly ModuleList<ClipEncoderLayer> _layers;

    public ClipVisionTransformer(ClipVisionConfig config)
    {
        _embeddings = Register("embeddings", new ClipVisionEmbeddings(config));
        // Upstream's attribute is spelled pre_layrnorm; the checkpoints carry that name.
        _preLayrnorm = Register("pre_layrnorm", new LayerNorm(config.HiddenSize, config.LayerNormEps));
        var encoder = Register("encoder", new ClipEncoder());
        _layers = encoder.Layers(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new ClipEncoderLayer(config.Encoder)));
        _postLayernorm = Register("post_layernorm", new LayerNorm(config.HiddenSize, config.LayerNormEps));
    }

    /// <summary>Every hidden state, and the class token of the last one after post_layernorm.</summary>
    public (List<Tensor> States, Tensor Pooled) Forward(Tensor pixelValues)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = _preLayrnorm.Forward(_embeddings.Forward(pixelValues));
        var states = new List<Tensor> { hidden };
        foreach (var layer in _layers)
            states.Add(hidden = layer.Forward(hidden, mask: null));
        var pooled = _postLayernorm.Forward(hidden.select(1, 0));
        return ([.. states.Select(s => s.MoveToOuterDisposeScope())], pooled.MoveToOuterDisposeScope());
    }
}

/// <summary>The patch convolution (no bias), the learned class token in front, plus position embeddings.</summary>
internal sealed class ClipVisionEmbeddings : Module
{
    private readonly Tensor _classEmbedding;
    private readonly Conv2d _patchEmbedding;
    private readonly Embedding _positionEmbedding;
    private readonly Tensor _positionIds;

    public ClipVisionEmbeddings(ClipVisionConfig config)
    {
        _classEmbedding = Parameter("class_embedding", config.HiddenSize);
        _patchEmbedding = Register("patch_embedding", new Conv2d(config.NumChannels, config.HiddenSize, kernel_size: config.PatchSize, stride: config.PatchSize, bias: false));
        _positionEmbedding = Register("position_embedding", new Embedding(config.NumPositions, config.HiddenSize));
        // Not saved by transformers 4.38 (non-persistent), so never expected in a checkpoint.
        _positionIds = Buffer("position_ids", torch.arange(config.NumPositions, dtype: torch.int64).unsqueeze(0), persistent: false);
    }

    public Tensor Forward(Tensor pixelValues)
    {
        using var scope = torch.NewDisposeScope();
        var patches = _patchEmbedding.Forward(pixelValues.to(_classEmbedding.dtype)).flatten(2).transpose(1, 2);
        var classToken = _classEmbedding.expand(patches.shape[0], 1, -1);
        var embeddings = torch.cat([classToken, patches], dim: 1) + _positionEmbedding.Forward(_positionIds);
        return embeddings.MoveToOuterDisposeScope();
    }
}
