using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Models.IpAdapter;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>
/// IP-Adapter as a MODEL patch (diffusers' IPAdapterAttnProcessor, ComfyUI_IPAdapter_plus' attn2 replacement): at
/// every cross-attention layer, the image tokens are attended through the adapter's to_k_ip / to_v_ip with the
/// layer's own queries and added with <c>weight</c>, while σ lies within [σ(end_at), σ(start_at)]. Rows of the
/// unconditional half of guidance attend to the unconditional image tokens.
/// </summary>
public sealed class IpAdapterPatch : IModelPatch
{
    private readonly SharedDisposable<IpAdapterModel> _adapter;
    private readonly Tensor _conditional, _unconditional;
    private readonly double _weight, _sigmaStart, _sigmaEnd;

    /// <param name="adapter">A lease on the adapter's weights, which this patch releases.</param>
    /// <param name="conditional">[1, tokens, cross_attention_dim] from the reference images, on the model's device (owned).</param>
    /// <param name="unconditional">The same shape from the adapter's unconditional feature (owned).</param>
    public IpAdapterPatch(SharedDisposable<IpAdapterModel> adapter, Tensor conditional, Tensor unconditional, double weight, double sigmaStart, double sigmaEnd)
    {
        (_adapter, _conditional, _unconditional) = (adapter, conditional, unconditional);
        (_weight, _sigmaStart, _sigmaEnd) = (weight, sigmaStart, sigmaEnd);
    }

    public long HostBytes => TensorMemory.HostBytes(_conditional, _unconditional);

    public long DeviceBytes => TensorMemory.DeviceBytes(_conditional, _unconditional);

    public ICrossAttentionTerm? CrossAttentionTerm(int layer, UNetCall call)
    {
        if (call.Sigma > _sigmaStart || call.Sigma < _sigmaEnd)
            return null;
        var tokens = torch.cat([.. call.UnconditionalRows.Select(unconditional => unconditional ? _unconditional : _conditional)], dim: 0);
        var weights = _adapter.Value.Layers[layer];
        return new ImageTokensTerm(weights.ToKIp, weights.ToVIp, tokens, _weight);
    }

    public void Dispose()
    {
        _conditional.Dispose();
        _unconditional.Dispose();
        _adapter.Release();
    }
}
