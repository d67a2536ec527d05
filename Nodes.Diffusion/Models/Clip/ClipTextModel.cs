using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Clip;

/// <summary>What the text encoder returns: final hidden states (after final_layer_norm), pooled output, every layer's hidden states.</summary>
public sealed class ClipTextOutput(Tensor lastHiddenState, Tensor pooledOutput, IReadOnlyList<Tensor> hiddenStates) : IDisposable
{
    public Tensor LastHiddenState { get; } = lastHiddenState;
    public Tensor PooledOutput { get; } = pooledOutput;

    /// <summary>[0] the embeddings, [i] the output of layer i (before final_layer_norm).</summary>
    public IReadOnlyList<Tensor> HiddenStates { get; } = hiddenStates;

    public void Dispose()
    {
        LastHiddenState.Dispose();
        PooledOutput.Dispose();
        foreach (var state in HiddenStates)
            state.Dispose();
    }
}

/// <summary>
/// transformers CLIPTextModel (v4.38 models/clip/modeling_clip.py): keys under text_model.* (embeddings, encoder.layers.N,
/// final_layer_norm). Causal self-attention only; SD pipelines pass no padding mask. With a projection it is
/// CLIPTextModelWithProjection (SD3's CLIP-L and CLIP-G): text_projection.weight maps the pooled output to text_embeds.
/// </summary>
public sealed class ClipTextModel : Module
{
    private readonly ClipTextTransformer _textModel;

    public ClipTextModel(ClipTextConfig config, bool withProjection = false)
    {
        Config = config;
        _textModel = Register("text_model", new ClipTextTransformer(config));
        if (withProjection)
            TextProjection = Register("text_projection", new Linear(config.HiddenSize, config.ProjectionDim, bias: false));
    }

    public ClipTextConfig Config { get; }

    /// <summary>CLIPTextModelWithProjection's text_projection, or null for a plain CLIPTextModel.</summary>
    public Linear? TextProjection { get; }

    public ClipTextOutput Forward(Tensor inputIds) => _textModel.Forward(inputIds);

    /// <summary>final_layer_norm applied to <paramref name="hidden"/> (an earlier layer's states, for CLIP skip).</summary>
    public Tensor FinalLayerNorm(Tensor hidden) => _textModel.FinalLayerNorm(hidden);
}

internal sealed class ClipTextTransformer : Module
{
    private readonly ClipTextEmbeddings _embeddings;
    private readonly ModuleList<ClipEncoderLayer> _layers;
    private readonly LayerNorm _finalLayerNorm;
    private readonly int _eosTokenId;

    public ClipTextTransformer(ClipTextConfig config)
    {
        _embeddings = Register("embeddings", new ClipTextEmbeddings(config));
        var encoder = Register("encoder", new ClipEncoder());
        _layers = encoder.Layers(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new ClipEncoderLayer(config.Encoder)));
        _finalLayerNorm = Register("final_layer_norm", new LayerNorm(config.HiddenSize, config.LayerNormEps));
        _eosTokenId = config.EosTokenId;
    }

    public Tensor FinalLayerNorm(Tensor hidden) => _finalLayerNorm.Forward(hidden);

    public ClipTextOutput Forward(Tensor inputIds)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = _embeddings.Forward(inputIds);
        var mask = CausalMask(inputIds.shape[1], hidden.dtype, hidden.device);
        var states = new List<Tensor> { hidden };
        foreach (var layer in _layers)
            states.Add(hidden = layer.Forward(hidden, mask));
        var last = _finalLayerNorm.Forward(hidden);
        var pooled = Pooled(last, inputIds);
        return new ClipTextOutput(last.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope(),
            states.Select(s => s.MoveToOuterDisposeScope()).ToList());
    }

    /// <summary>
    /// 0 where column ≤ row, the dtype's lowest value above the diagonal, built as transformers' _make_causal_mask
    /// does (a comparison of aranges).
    /// </summary>
    private static Tensor CausalMask(long length, ScalarType dtype, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var positions = torch.arange(length, dtype: torch.int64, device: device);
        var future = positions.unsqueeze(0).gt(positions.unsqueeze(1));
        return torch.zeros([length, length], dtype: dtype, device: device).masked_fill(future, torch.finfo(dtype).min).MoveToOuterDisposeScope();
    }

    /// <summary>The hidden state at the end token: legacy configs (eos_token_id 2) take argmax(input_ids), the highest id.</summary>
    private Tensor Pooled(Tensor last, Tensor inputIds)
    {
        using var scope = torch.NewDisposeScope();
        var position = _eosTokenId == 2
            ? inputIds.@int().argmax(dim: -1)
            : inputIds.@int().eq(_eosTokenId).@int().argmax(dim: -1);
        var (batch, length) = (last.shape[0], last.shape[1]);
        var flatIndex = torch.arange(batch, dtype: torch.int64, device: last.device) * length + position.@long();
        return last.reshape(batch * length, last.shape[2]).index_select(0, flatIndex).MoveToOuterDisposeScope();
    }
}

internal sealed class ClipTextEmbeddings : Module
{
    private readonly Embedding _tokenEmbedding, _positionEmbedding;
    private readonly Tensor _positionIds;

    public ClipTextEmbeddings(ClipTextConfig config)
    {
        _tokenEmbedding = Register("token_embedding", new Embedding(config.VocabSize, config.HiddenSize));
        _positionEmbedding = Register("position_embedding", new Embedding(config.MaxPositionEmbeddings, config.HiddenSize));
        // Not saved by transformers 4.38 (non-persistent), so never expected in a checkpoint.
        _positionIds = Buffer("position_ids", torch.arange(config.MaxPositionEmbeddings, dtype: torch.int64).unsqueeze(0), persistent: false);
    }

    public Tensor Forward(Tensor inputIds)
    {
        using var scope = torch.NewDisposeScope();
        var positions = _positionIds.slice(1, 0, inputIds.shape[1]);
        return (_tokenEmbedding.Forward(inputIds) + _positionEmbedding.Forward(positions)).MoveToOuterDisposeScope();
    }
}
