using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.MultiView;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// Makes an MVDream or ImageDream MODEL sample several views at once: the cameras (OrbitCameras) become MVDream's
/// (V, 16) camera vectors — each camera-to-world pose flattened row by row — and the views of every sample are folded
/// into the latent batch, view index fastest, so DDIMSample and KSampler run it unchanged on a latent of num_views ×
/// samples. ImageDream also takes the reference image: its CLIP vision output (the penultimate states, through the
/// model's image_embed) and, in pixel mode, its latent, written into a reference slot after the views with the all-zero
/// camera at every call. Returns a new MODEL sharing the network's weights; the input MODEL is unchanged.
/// </summary>
[Node("MultiViewUNet", DisplayName = "Multi-View UNet", Category = "multiview",
      Description = "Conditions an MVDream / ImageDream model on cameras (and a reference image) for multi-view sampling.")]
public sealed class MultiViewUNet : INode
{
    public DiffusionModel Execute(
        [Input(Tooltip = "An MVDream or ImageDream model (LoadCheckpoint); it stays as it is, a patched copy sharing its weights is returned.")] DiffusionModel model,
        [Input(Tooltip = "One camera per view (OrbitCameras: MVDream t2i uses elevation 15 and azimuth_start 90, ImageDream elevation 5).")] Camera cameras,
        [Int(Min = 1, Max = 64), Input(Tooltip = "Views per sample: the latent batch is num_views × samples (the cameras must have as many poses).")] int numViews = 4,
        [Input(Tooltip = "ImageDream: the reference image's CLIP vision output (CLIPVisionEncode).")] ClipVisionOutput? clipVisionOutput = null,
        [Input(Tooltip = "ImageDream pixel mode: the reference image's latent (VAEEncode), kept clean in a reference slot after the views.")] Latent? referenceLatent = null,
        [Float(Min = -1, Max = 5, Step = 0.05), Input(Tooltip = "ImageDream: the weight of the attention to the image prompt.")] double ipWeight = 1.0,
        [Input(Tooltip = "Pixel mode: added_by_model keeps the slot out of the latents (they hold the views only); in_latent is ImageDream's layout (each sample's last latent is the slot: drop it after sampling).")]
        ReferenceSlotLayout referenceSlot = ReferenceSlotLayout.AddedByModel,
        [Input(Tooltip = "For a UNet whose conv_in takes more channels than the latent (GAF-style, e.g. VAE-encoded normal maps): one conditioning latent per view (or per view of each sample), concatenated on channels at every call.")]
        Latent? concatLatent = null,
        [Input(Tooltip = "Off: the text context is zeroed in both halves of guidance, for a model trained without text.")] bool textContext = true)
    {
        var network = model.Network.Module as MultiViewUNetModel
            ?? throw new InputException("model", model.Network.Module.GetType().Name, "not a multi-view network: load an MVDream or ImageDream checkpoint");
        using var scope = torch.NewDisposeScope();
        var cameraRows = CameraRows(network, cameras, numViews, referenceLatent is not null);
        var imagePrompt = ImagePrompt(network, clipVisionOutput, model.Device, model.Dtype);
        var references = ReferenceLatents(network, model, referenceLatent);
        var concat = ConcatLatents(network, model, concatLatent);
        var (device, dtype) = (model.Device, model.Dtype);
        var patch = new MultiViewConditioning(new MultiViewSettings(cameraRows.to(dtype, device).DetachFromDisposeScope(), imagePrompt,
            references?.to(dtype, device).DetachFromDisposeScope(), referenceSlot, ipWeight, concat?.to(dtype, device).DetachFromDisposeScope(), textContext));
        return model.WithPatch(patch);
    }

    /// <summary>The cameras as MVDream's (V, 16) vectors, after checking they fit the model and the views.</summary>
    private static Tensor CameraRows(MultiViewUNetModel network, Camera cameras, int numViews, bool pixelMode)
    {
        if (cameras.FrameCount != numViews)
            throw new InputException("cameras", $"{cameras.FrameCount} poses", $"num_views is {numViews}: give one camera per view");
        if (cameras.Convention == CameraConvention.OpenCv)
            throw new InputException("cameras", "opencv", "MVDream's cameras look along −z with y up (OpenGL), in Blender's or OpenGL's world: use OrbitCameras or poses in one of those conventions");
        if (network.Config.CameraDim != 16)
            throw new InputException("model", $"camera_dim {network.Config.CameraDim?.ToString() ?? "none"}", "this UNet does not take MVDream's 16-value camera vectors");
        if (cameras.AppendsReferenceView && !pixelMode)
            throw new InputException("reference_latent", "(not connected)",
                "the cameras carry ImageDream's reference slot (extra_reference_view): connect the reference image's latent (pixel mode), or turn extra_reference_view off (local mode)");
        return CameraVectors.Of(cameras.Poses);
    }

    /// <summary>ImageDream's image tokens for the reference images, and for all-zero features (its unconditional prompt).</summary>
    private static ImagePromptTokens? ImagePrompt(MultiViewUNetModel network, ClipVisionOutput? clipVisionOutput, Device device, ScalarType dtype)
    {
        if (network.ImageEmbed is not { } imageEmbed)
            return clipVisionOutput is null ? null
                : throw new InputException("clip_vision_output", "(connected)", "MVDream has no image prompt: connect an ImageDream checkpoint, or leave this out");
        if (clipVisionOutput is null)
            throw new InputException("clip_vision_output", "(not connected)", "ImageDream needs the reference image's CLIP vision output (CLIPVisionEncode)");
        var features = clipVisionOutput.PenultimateHiddenStates;
        if (features.shape[^1] != imageEmbed.EmbeddingDim)
            throw new InputException("clip_vision_output", $"{features.shape[^1]}-wide features",
                $"ImageDream's image_embed reads {imageEmbed.EmbeddingDim}-wide CLIP ViT-H states (its penultimate layer)");
        var conditional = imageEmbed.Forward(features.to(dtype, device));
        var unconditional = imageEmbed.Forward(torch.zeros([1, .. features.shape[1..]], dtype, device));
        return new ImagePromptTokens(conditional.DetachFromDisposeScope(), unconditional.DetachFromDisposeScope());
    }

    /// <summary>The reference latents scaled as the sampler's latents are (ImageDream's ip_img: the VAE latent × 0.18215).</summary>
    private static Tensor? ReferenceLatents(MultiViewUNetModel network, DiffusionModel model, Latent? referenceLatent)
    {
        if (referenceLatent is null)
            return null;
        if (network.ImageEmbed is null)
            throw new InputException("reference_latent", "(connected)", "MVDream has no reference slot: pixel mode is ImageDream's");
        var samples = referenceLatent.Samples;
        if (samples.ndim != 4 || samples.shape[1] != model.LatentFormat.Channels)
            throw new InputException("reference_latent", $"[{string.Join(", ", samples.shape)}]", $"the model's latents have {model.LatentFormat.Channels} channels");
        return (samples - model.LatentFormat.ShiftFactor) * model.LatentFormat.ScaleFactor;
    }

    /// <summary>The conditioning latents for the channels conv_in takes beyond the latent's, scaled as the latents are.</summary>
    private static Tensor? ConcatLatents(MultiViewUNetModel network, DiffusionModel model, Latent? concatLatent)
    {
        int extra = network.Config.InChannels - model.LatentFormat.Channels;
        if (concatLatent is null)
            return extra <= 0 ? null : throw new InputException("concat_latent", "(not connected)",
                $"this UNet takes {network.Config.InChannels} input channels and the latents have {model.LatentFormat.Channels}: connect the {extra}-channel conditioning latent");
        var samples = concatLatent.Samples;
        if (samples.ndim != 4 || samples.shape[1] != extra)
            throw new InputException("concat_latent", $"[{string.Join(", ", samples.shape)}]", extra > 0
                ? $"this UNet takes {extra} channels beside the latent's {model.LatentFormat.Channels}"
                : "this UNet takes no channels beside the latent's");
        return (samples - model.LatentFormat.ShiftFactor) * model.LatentFormat.ScaleFactor;
    }
}
