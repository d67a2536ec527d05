using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>Decodes latents into images (ComfyUI's VAEDecode: samples, vae), mapping [-1, 1] to [0, 1] as diffusers' image processor does.</summary>
[Node("VAEDecode", DisplayName = "VAE Decode", Category = "latent",
      Description = "Decodes latent images back into pixel space images.")]
public sealed class VaeDecode : INode
{
    public ImageBatch Execute(
        [Input(Tooltip = "The latent to be decoded.")] Latent samples,
        [Input(Tooltip = "The VAE model used for decoding the latent.")] VaeModel vae)
    {
        using var scope = torch.NewDisposeScope();
        var decoded = vae.Autoencoder.Decode(samples.Samples.to(vae.Device));
        // VaeImageProcessor.denormalize: image / 2 + 0.5, clamped; then channels last.
        var image = torch.clamp(decoded / 2 + 0.5, 0.0, 1.0).permute(0, 2, 3, 1).cpu().contiguous();
        return new ImageBatch(image.DetachFromDisposeScope());
    }
}
