using System.Globalization;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.IpAdapter;

/// <summary>Which projection an adapter uses, and so which CLIP feature it reads.</summary>
public enum IpAdapterKind
{
    /// <summary>ImageProjModel on the projected image embedding (image_embeds).</summary>
    Base,

    /// <summary>The Resampler on the penultimate hidden states (IP-Adapter Plus).</summary>
    Plus,
}

/// <summary>
/// An IP-Adapter in its original file layout (tencent-ailab): image_proj.* (the projection) and ip_adapter.&lt;k&gt; with
/// to_k_ip / to_v_ip for each UNet cross-attention layer. k counts the UNet's attention processors, self-attention
/// (weightless) and cross-attention alternating, so the cross-attention layers are 1, 3, 5, ...
/// </summary>
public sealed class IpAdapterModel : Module
{
    public IpAdapterModel(IpAdapterKind kind, Module imageProjection, IReadOnlyList<(int Hidden, int CrossAttentionDim)> layers)
    {
        Kind = kind;
        ImageProjection = (IImageProjection)Register("image_proj", imageProjection);
        var decoupled = Register("ip_adapter", new DecoupledLayers(layers));
        Layers = decoupled.Layers;
    }

    public IpAdapterKind Kind { get; }

    public IImageProjection ImageProjection { get; }

    /// <summary>The key and value projections of the image tokens, one per UNet cross-attention layer in upstream's order.</summary>
    public IReadOnlyList<IpAttentionWeights> Layers { get; }

    /// <summary>The weightless level ip_adapter.&lt;2i+1&gt;.</summary>
    private sealed class DecoupledLayers : Module
    {
        public DecoupledLayers(IReadOnlyList<(int Hidden, int CrossAttentionDim)> layers) =>
            Layers = [.. layers.Select((layer, i) => Register((2 * i + 1).ToString(CultureInfo.InvariantCulture), new IpAttentionWeights(layer.CrossAttentionDim, layer.Hidden)))];

        public IReadOnlyList<IpAttentionWeights> Layers { get; }
    }
}

/// <summary>to_k_ip and to_v_ip of one cross-attention layer (no bias).</summary>
public sealed class IpAttentionWeights : Module
{
    public IpAttentionWeights(int crossAttentionDim, int hidden)
    {
        ToKIp = Register("to_k_ip", new Linear(crossAttentionDim, hidden, bias: false));
        ToVIp = Register("to_v_ip", new Linear(crossAttentionDim, hidden, bias: false));
    }

    public Linear ToKIp { get; }

    public Linear ToVIp { get; }
}
