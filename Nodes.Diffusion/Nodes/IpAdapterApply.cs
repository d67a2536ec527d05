using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.IpAdapter;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI_IPAdapter_plus' IPAdapter: steers a MODEL with reference images. The images' CLIP features (base: the
/// projected embedding; Plus: the penultimate states) become image tokens through the adapter's projection, and each
/// cross-attention layer adds attention to them with <c>weight</c> between start_at and end_at of sampling. Several
/// images give their tokens side by side. The unconditional tokens are computed as diffusers does: the projection of
/// zero embeddings (base) or of the vision tower's states for zero pixels (Plus). Returns a new MODEL sharing the
/// UNet's weights; the input MODEL is unchanged.
/// </summary>
[Node("IPAdapter", DisplayName = "IPAdapter", Category = "ipadapter",
      Description = "Conditions a model on reference images through an IP-Adapter.")]
public sealed class IpAdapterApply : INode
{
    public DiffusionModel Execute(
        [Input(Tooltip = "The model to patch (it stays as it is; a patched copy sharing its weights is returned).")] DiffusionModel model,
        [Input(Tooltip = "The IP-Adapter from IPAdapterModelLoader.")] IpAdapter ipadapter,
        [Input(Tooltip = "The reference images' CLIP vision encoding; or give image and clip_vision instead.")] ClipVisionOutput? clipVisionOutput = null,
        [Input(Tooltip = "Reference images, encoded with clip_vision here when no clip_vision_output is given.")] ImageBatch? image = null,
        [Input(Tooltip = "The CLIP vision model for image.")] ClipVision? clipVision = null,
        [Float(Min = -1, Max = 5, Step = 0.05), Input(Tooltip = "How strongly the images steer: the scale of the image attention.")] double weight = 1.0,
        [Float(Min = 0, Max = 1, Step = 0.001), Input(Tooltip = "The fraction of sampling at which the adapter starts acting.")] double startAt = 0.0,
        [Float(Min = 0, Max = 1, Step = 0.001), Input(Tooltip = "The fraction of sampling after which it stops.")] double endAt = 1.0)
    {
        CheckFits(ipadapter.Model, model);
        if (clipVisionOutput is not null)
            return model.WithPatch(Patch(model, ipadapter, clipVisionOutput, weight, startAt, endAt));
        if (image is null || clipVision is null)
            throw new InputException("clip_vision_output", "(not connected)", "give clip_vision_output, or both image and clip_vision");
        using var encoded = clipVision.Encode(image, cropToSquare: true);
        return model.WithPatch(Patch(model, ipadapter, encoded, weight, startAt, endAt));
    }

    private static IpAdapterPatch Patch(DiffusionModel model, IpAdapter ipadapter, ClipVisionOutput features, double weight, double startAt, double endAt)
    {
        using var scope = torch.NewDisposeScope();
        var adapter = ipadapter.Model;
        var (device, dtype) = (ipadapter.Device, ipadapter.Dtype);
        var (conditional, unconditional) = adapter.Kind == IpAdapterKind.Base
            ? (features.ImageEmbeds.to(dtype, device), torch.zeros_like(features.ImageEmbeds).to(dtype, device))
            : (features.PenultimateHiddenStates.to(dtype, device), features.ZeroPixelsPenultimateHiddenStates.to(dtype, device).expand(features.PenultimateHiddenStates.shape));
        var sampling = new ModelSamplingDiscrete(model.Schedule);
        // The tokens meet the UNet's hidden states in its cross-attention: they take its dtype, whatever the adapter's.
        return new IpAdapterPatch(ipadapter.Lease(), Tokens(adapter, conditional).to(model.Dtype, model.Device).DetachFromDisposeScope(),
            Tokens(adapter, unconditional).to(model.Dtype, model.Device).DetachFromDisposeScope(), weight, sampling.PercentToSigma(startAt), sampling.PercentToSigma(endAt));
    }

    /// <summary>Every image's tokens side by side: [1, images·tokens, cross_attention_dim].</summary>
    private static Tensor Tokens(IpAdapterModel adapter, Tensor features)
    {
        var tokens = adapter.ImageProjection.Forward(features);
        return tokens.reshape(1, -1, tokens.shape[^1]);
    }

    /// <summary>An adapter made for another UNet (layer count or widths) is refused before it can fail inside sampling.</summary>
    private static void CheckFits(IpAdapterModel adapter, DiffusionModel model)
    {
        var layers = model.Network.CrossAttentionLayers;
        if (adapter.Layers.Count != layers.Count)
            throw new InputException("ipadapter", $"{adapter.Layers.Count} layers", $"the model has {layers.Count} cross-attention layers: this IP-Adapter is made for another UNet");
        for (var i = 0; i < layers.Count; i++)
        {
            var (key, expected) = (adapter.Layers[i].ToKIp, layers[i].ToK);
            if (key.weight.shape[0] != expected.weight.shape[0] || key.weight.shape[1] != expected.weight.shape[1])
                throw new InputException("ipadapter", $"layer {2 * i + 1} to_k_ip [{string.Join(", ", key.weight.shape)}]",
                    $"the model's cross-attention layer {i} projects [{string.Join(", ", expected.weight.shape)}]: this IP-Adapter is made for another UNet");
        }
    }
}
