using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// The image-to-video conditioning latent: each image of the batch encoded as a one-frame video by the LTX-2 video
/// VAE and normalised (SanaWMPipeline._encode_first_frame), giving [N, C, 1, H/32, W/32]. Sides are centre-cropped to
/// multiples of 32; a frame wider or taller than 512 pixels is encoded in SANA-WM's tiles.
/// </summary>
[Node("VAEEncodeFirstFrame", DisplayName = "VAE Encode First Frame (image to video)", Category = "latent/video",
      Description = "Encodes each image as the first frame of a video, the latent an image-to-video model starts from (LTX-2 video VAE).")]
public sealed class VaeEncodeFirstFrame : INode
{
    public Latent Execute(
        [Input(Tooltip = "The first frame; each image of a batch is encoded on its own.")] ImageBatch image,
        [Input(Tooltip = "The LTX-2 video VAE.")] VaeModel vae)
    {
        if (vae is not VideoVae video)
            throw new InputException("vae", vae.KindName, "the first-frame encode needs the LTX-2 video VAE (load it with VAELoader)");
        using var scope = torch.NewDisposeScope();
        var frames = VaePixels.ToModelInput(image, video.SpatialCompression, "image");   // [N, 3, H, W]
        return new Latent(video.EncodeVideo(frames.unsqueeze(2).contiguous()).DetachFromDisposeScope());
    }
}
