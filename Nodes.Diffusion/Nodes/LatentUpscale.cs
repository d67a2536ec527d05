using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Resizing;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's LatentUpscale (nodes.py), same inputs and semantics: resizes to width × height pixels (the latent is 1/8
/// of them; each side at least 64; a side of 0 follows the other's aspect; both 0 leave the latent as it is), by an
/// interpolation or bislerp, optionally centre-cropped to the new aspect. Given an upscale_model it instead runs the
/// learned ×2 upscaler as diffusers' StableDiffusionLatentUpscalePipeline does (its own text encoder reads
/// <c>positive</c>; Euler with Karras preconditioning; noise from <c>seed</c>), returning latents twice the size;
/// width, height, upscale_method and crop are then ignored.
/// </summary>
[Node("LatentUpscale", DisplayName = "Upscale Latent", Category = "latent",
      Description = "Resizes latents (interpolation), or doubles them with a learned latent upscaler.")]
public sealed class LatentUpscale : INode
{
    public Latent Execute(NodeContext context,
        [Input(Tooltip = "The latent to upscale.")] Latent samples,
        [Input(Tooltip = "How to resize (ignored with an upscale_model).")] UpscaleMethod upscaleMethod = UpscaleMethod.NearestExact,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution, Step = 8), Input(Tooltip = "Target width in pixels; 0 follows the height's aspect. Ignored with an upscale_model, which doubles the size.")] int width = 512,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution, Step = 8), Input(Tooltip = "Target height in pixels; 0 follows the width's aspect. Ignored with an upscale_model, which doubles the size.")] int height = 512,
        [Input(Tooltip = "center cuts the latent to the target's aspect first (ignored with an upscale_model).")] CropMethod crop = CropMethod.Disabled,
        [Input(Tooltip = "A learned ×2 latent upscaler (LatentUpscaleModelLoader). With it, width, height, upscale_method and crop are ignored and the latent comes back twice the size.")] LatentUpscaleModel? upscaleModel = null,
        [String(Multiline = true), Input(Tooltip = "The learned upscaler's prompt, read by its own text encoder. Ignored when guidance is 0.")] string? positive = "",
        [Seed, Input(Tooltip = "The learned upscaler's noise seed.")] ulong? seed = 0,
        [Int(Min = 1, Max = 1000), Input(Tooltip = "The learned upscaler's Euler steps.")] int? steps = 10,
        [Float(Min = 0, Max = 100, Step = 0.1, Round = 0.01), Input(Tooltip = "The learned upscaler's classifier-free guidance: 0 (the model card's) replaces the prompt by \"\"; above 1 mixes it with an empty one.")] double? guidance = 0)
    {
        if (upscaleModel is not null)
            return Learned(context, samples, upscaleModel, positive ?? "", seed ?? 0, steps ?? 10, guidance ?? 0);
        if (width == 0 && height == 0)
            return LatentResize.Copy(samples);
        long latentHeight = samples.Samples.shape[2], latentWidth = samples.Samples.shape[3];
        if (width == 0)
        {
            height = Math.Max(64, height);
            width = Math.Max(64, (int)Math.Round((double)(latentWidth * height) / latentHeight));
        }
        else if (height == 0)
        {
            width = Math.Max(64, width);
            height = Math.Max(64, (int)Math.Round((double)(latentHeight * width) / latentWidth));
        }
        else
        {
            (width, height) = (Math.Max(64, width), Math.Max(64, height));
        }
        return LatentResize.Apply(samples, width / 8, height / 8, upscaleMethod, crop);
    }

    /// <summary>StableDiffusionLatentUpscalePipeline on the latent (scaled into the model's format and back).</summary>
    private static Latent Learned(NodeContext context, Latent samples, LatentUpscaleModel model, string positive, ulong seed, int steps, double guidance)
    {
        CheckFits(samples.Samples, model);
        context.Cancellation.ThrowIfCancellationRequested();
        using var scope = torch.NewDisposeScope();
        var format = model.LatentFormat;
        // diffusers: guidance 0 replaces the prompt by ""; the empty negative prompt is needed only when guidance mixes (> 1).
        using var positivePrompt = model.EncodePrompt(guidance == 0 ? "" : positive, context.Logger);
        using var negativePrompt = guidance > 1 ? model.EncodePrompt("", context.Logger) : null;
        var lowRes = ((samples.Samples - format.ShiftFactor) * format.ScaleFactor).to(model.Device);
        using var generator = SeededNoise.Generator(seed);
        long[] shape = [lowRes.shape[0], lowRes.shape[1], 2 * lowRes.shape[2], 2 * lowRes.shape[3]];
        var noise = SeededNoise.Draw(generator, shape, samples.BatchIndex).to(model.Device);
        var request = new LatentUpscaleRequest(lowRes, noise, positivePrompt, negativePrompt ?? positivePrompt, steps, guidance);
        var latents = LatentUpscaleSampler.Sample(model, request, (step, total) => context.ReportProgress(step, total));
        var unscaled = (latents / format.ScaleFactor + format.ShiftFactor).cpu();
        latents.Dispose();
        // The noise mask belongs to the old size; the batch indices still name the same images.
        return new Latent(unscaled.DetachFromDisposeScope(), null, samples.BatchIndex);
    }

    /// <summary>
    /// The latent must have the model's channels, and its doubled sides must pass every down- and upsampler evenly
    /// with at least 2 cells at the bottom (the K-UNet's reflect padding): diffusers fails inside the network otherwise.
    /// </summary>
    private static void CheckFits(Tensor latent, LatentUpscaleModel model)
    {
        if (latent.shape[1] != model.LatentFormat.Channels)
            throw new InputException("samples", $"a {latent.shape[1]}-channel latent", $"the latent upscaler takes {model.LatentFormat.Channels}-channel latents (Stable Diffusion's VAE)");
        int multiple = 1 << (model.Unet.Downsamplings - 1), least = 2 * multiple;
        long height = latent.shape[2], width = latent.shape[3];
        if (height % multiple != 0 || width % multiple != 0 || height < least || width < least)
            throw new InputException("samples", $"a {width}x{height} latent",
                $"the learned upscaler needs latent sides that are multiples of {multiple} and at least {least} (its UNet halves the doubled latent {model.Unet.Downsamplings} times)");
    }
}
