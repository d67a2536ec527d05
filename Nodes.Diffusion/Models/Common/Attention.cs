using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers Attention (v0.27.2 models/attention_processor.py) as the UNet and VAE use it: it owns the weights
/// (to_q, to_k, to_v, to_out.0; slot 1 of to_out is dropout and has none); the math is a swappable
/// <see cref="IAttentionProcessor"/>. For spatial input (the VAE's mid-block attention) it flattens the feature map,
/// applies its group norm, and adds the residual, as upstream's processor does. <c>LayerNormCross</c> is upstream's
/// cross_attention_norm "layer_norm": the context passes a LayerNorm (norm_cross) before to_k and to_v. Open for
/// variants that own more weights beside these (ImageDream's cross-attention with to_k_ip / to_v_ip).
/// </summary>
public sealed record AttentionConfig(int QueryDim, int? CrossAttentionDim = null, int Heads = 8, int DimHead = 64, bool Bias = false,
    bool OutBias = true, int? NormGroups = null, double NormEps = 1e-5, bool ResidualConnection = false, bool UpcastSoftmax = false,
    bool LayerNormCross = false);

public class Attention : Module
{
    private readonly GroupNorm? _groupNorm;
    private readonly LayerNorm? _normCross;
    private readonly bool _residual;

    public Attention(AttentionConfig config)
    {
        int inner = config.Heads * config.DimHead;
        Heads = config.Heads;
        Scale = 1.0 / Math.Sqrt(config.DimHead);
        if (config.NormGroups is int groups)
            _groupNorm = Register("group_norm", new GroupNorm(groups, config.QueryDim, config.NormEps));
        ToQ = Register("to_q", new Linear(config.QueryDim, inner, bias: config.Bias));
        ToK = Register("to_k", new Linear(config.CrossAttentionDim ?? config.QueryDim, inner, bias: config.Bias));
        ToV = Register("to_v", new Linear(config.CrossAttentionDim ?? config.QueryDim, inner, bias: config.Bias));
        var toOut = Register("to_out", new ModuleList<Linear>());
        ToOut = toOut.Add(new Linear(inner, config.QueryDim, bias: config.OutBias));
        if (config.LayerNormCross)
            _normCross = Register("norm_cross", new LayerNorm(config.CrossAttentionDim ?? config.QueryDim));
        _residual = config.ResidualConnection;
        UpcastSoftmax = config.UpcastSoftmax;
    }

    public int Heads { get; }
    public double Scale { get; }

    /// <summary>Softmax in float32 for half-precision weights (the VAE's attention asks for it).</summary>
    public bool UpcastSoftmax { get; }

    public Linear ToQ { get; }
    public Linear ToK { get; }
    public Linear ToV { get; }
    public Linear ToOut { get; }

    /// <summary>The attention math; a different processor (fused SDPA, IP-Adapter) can replace it.</summary>
    public IAttentionProcessor Processor { get; set; } = ClassicAttentionProcessor.Instance;

    /// <summary>
    /// Self-attention when <paramref name="context"/> is null; input [B, T, C] or a feature map [B, C, H, W].
    /// <paramref name="patch"/> may choose other math for this call (a patched MODEL's IP-Adapter).
    /// </summary>
    public Tensor Forward(Tensor hiddenStates, Tensor? context = null, IAttentionPatch? patch = null)
    {
        using var scope = torch.NewDisposeScope();
        var shape = hiddenStates.shape;
        var x = shape.Length == 4 ? hiddenStates.view(shape[0], shape[1], shape[2] * shape[3]).transpose(1, 2) : hiddenStates;
        if (_groupNorm is not null)
            x = _groupNorm.Forward(x.transpose(1, 2)).transpose(1, 2);
        var processor = patch?.ProcessorFor(this) ?? Processor;
        var keysFrom = context is null ? x : _normCross?.Forward(context) ?? context;
        var output = ToOut.Forward(processor.Attend(this, x, keysFrom));
        if (shape.Length == 4)
            output = output.transpose(-1, -2).reshape(shape);
        if (_residual)
            output = output + hiddenStates;
        return output.MoveToOuterDisposeScope();
    }
}

/// <summary>Computes attention from projected inputs: returns [B, T, heads·dim] before to_out.</summary>
public interface IAttentionProcessor
{
    Tensor Attend(Attention attention, Tensor hiddenStates, Tensor context);
}

/// <summary>
/// Attention math chosen for one network call, layer by layer, without changing the modules: how a patched MODEL
/// (IP-Adapter's decoupled cross-attention) runs on weights other MODELs share.
/// </summary>
public interface IAttentionPatch
{
    /// <summary>The processor <paramref name="attention"/> uses in this call, or null for its own.</summary>
    IAttentionProcessor? ProcessorFor(Attention attention);
}

/// <summary>
/// diffusers' AttnProcessor, the one it uses on torch 1.13 (no fused attention there): scores as
/// baddbmm(empty, q, kᵀ, beta=0, alpha=scale), softmax, bmm with v — so our numbers follow the fixtures' arithmetic.
/// Long sequences, and every call on a GPU, go to scaled-dot-product attention instead (see <see cref="AttentionChoice"/>).
/// </summary>
public sealed class ClassicAttentionProcessor : IAttentionProcessor
{
    public static ClassicAttentionProcessor Instance { get; } = new();

    public Tensor Attend(Attention attention, Tensor hiddenStates, Tensor context)
    {
        using var scope = torch.NewDisposeScope();
        var query = HeadsToBatch(attention.ToQ.Forward(hiddenStates), attention.Heads);
        var key = HeadsToBatch(attention.ToK.Forward(context), attention.Heads);
        var value = HeadsToBatch(attention.ToV.Forward(context), attention.Heads);
        return BatchToHeads(AttendHeads(attention, query, key, value), attention.Heads).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Scores above this size go to scaled-dot-product attention, which the shim computes a block of query rows at a
    /// time on libtorch 1.13 (and fused kernels compute on 2.x): SD1.5's 4,096-token self-attention with CFG would
    /// otherwise hold 3 GiB at once (baddbmm's input, the scores, their softmax), most of a step's peak memory. Results
    /// agree within float32 rounding; the small models of the fixtures stay below it, on diffusers' exact arithmetic.
    /// </summary>
    public const long LongScoresBytes = 32L << 20;

    /// <summary>get_attention_scores then bmm with the values, on [B·H, T, D] tensors.</summary>
    internal static Tensor AttendHeads(Attention attention, Tensor query, Tensor key, Tensor value) =>
        AttendHeads(query, key, value, attention.Scale, attention.UpcastSoftmax);

    /// <summary>As above for attention without an <see cref="Attention"/> module (IP-Adapter's resampler); SDPA where <see cref="AttentionChoice"/> says.</summary>
    internal static Tensor AttendHeads(Tensor query, Tensor key, Tensor value, double scale, bool upcastSoftmax)
    {
        if (AttentionChoice.UsesSdpa(query, AttentionChoice.ScoresBytes(query, key.shape[1]), upcastSoftmax))
            return F.scaled_dot_product_attention(query, key, value, scale: scale);
        bool upcast = upcastSoftmax && query.dtype != torch.float32;
        using var scope = torch.NewDisposeScope();
        var scores = Scores(query, key, scale);
        var probabilities = upcast
            ? F.softmax(scores.@float(), dim: -1).to(query.dtype)
            : F.softmax(scores, dim: -1);
        return torch.bmm(probabilities, value).MoveToOuterDisposeScope();
    }

    /// <summary>q kᵀ · <paramref name="scale"/> on [B·H, T, D] tensors, as diffusers' baddbmm with beta = 0.</summary>
    internal static Tensor Scores(Tensor query, Tensor key, double scale)
    {
        using var scope = torch.NewDisposeScope();
        // diffusers passes torch.empty, which beta = 0 should ignore; torch 1.13's CPU baddbmm can let a NaN in it
        // through on small products at two threads, so the ignored input is zeros (the same result bit for bit).
        var ignored = torch.zeros([query.shape[0], query.shape[1], key.shape[1]], dtype: query.dtype, device: query.device);
        return torch.baddbmm(ignored, query, key.transpose(-1, -2), beta: 0, alpha: scale).MoveToOuterDisposeScope();
    }

    /// <summary>[B, T, H·D] → [B·H, T, D] (head_to_batch_dim).</summary>
    internal static Tensor HeadsToBatch(Tensor x, int heads)
    {
        var (b, t, c) = (x.shape[0], x.shape[1], x.shape[2]);
        return x.reshape(b, t, heads, c / heads).permute(0, 2, 1, 3).reshape(b * heads, t, c / heads);
    }

    /// <summary>[B·H, T, D] → [B, T, H·D] (batch_to_head_dim).</summary>
    internal static Tensor BatchToHeads(Tensor x, int heads)
    {
        var (bh, t, d) = (x.shape[0], x.shape[1], x.shape[2]);
        return x.reshape(bh / heads, heads, t, d).permute(0, 2, 1, 3).reshape(bh / heads, t, d * heads);
    }
}

/// <summary>diffusers' AttnProcessor2_0: one fused scaled_dot_product_attention (faster on libtorch 2.x and GPUs).</summary>
public sealed class SdpaAttentionProcessor : IAttentionProcessor
{
    public static SdpaAttentionProcessor Instance { get; } = new();

    public Tensor Attend(Attention attention, Tensor hiddenStates, Tensor context)
    {
        using var scope = torch.NewDisposeScope();
        long b = hiddenStates.shape[0];
        Tensor Split(Tensor x) => x.view(b, -1, attention.Heads, x.shape[2] / attention.Heads).transpose(1, 2);
        var output = F.scaled_dot_product_attention(
            Split(attention.ToQ.Forward(hiddenStates)), Split(attention.ToK.Forward(context)), Split(attention.ToV.Forward(context)),
            scale: attention.Scale);
        return output.transpose(1, 2).reshape(b, -1, output.shape[1] * output.shape[3]).MoveToOuterDisposeScope();
    }
}
