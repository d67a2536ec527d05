using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.MultiView;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Text;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// MVDream's and ImageDream's single files (the state dict of their LatentDiffusionInterface, safetensors or a
/// pickle): the UNet under model.diffusion_model.* with camera_embed.* (ImageDream adds image_embed.* and attn2.to_k_ip),
/// LDM's schedule buffers, the OpenCLIP text tower (MVDream: cond_stage_model.model.*, ImageDream: clip_model.model.*,
/// beside its visual tower) and the KL VAE (first_stage_model.* / vae_model.*). The UNet's configuration comes from the tensor shapes, the heads
/// and ip_weight from a same-stem .yaml where there is one; the schedule from the .yaml or the stored betas, sampled
/// with LDM's DDIM timesteps ("uniform": range(0, T, T // S) + 1), which MVDream's sampler uses. The files carry no
/// tokenizer: open_clip's is CLIP's vocabulary padding with '!', looked up as for SD1.x single files.
/// </summary>
public static class MultiViewCheckpoint
{
    private const string UnetPrefix = "model.diffusion_model.";

    /// <summary>open_clip.tokenize pads with token 0, which is "!" in CLIP's vocabulary (FrozenOpenCLIPEmbedder).</summary>
    private const string OpenClipPadToken = "!";

    /// <summary>Where each family keeps its text tower and VAE (the attribute names of its LatentDiffusionInterface).</summary>
    private static readonly (string Family, string TextEncoder, string Vae)[] Layouts =
        [("MVDream", "cond_stage_model.model.", "first_stage_model."), ("ImageDream", "clip_model.model.", "vae_model.")];

    /// <summary>A multi-view UNet is recognised by its camera embedding.</summary>
    public static bool Recognises(ITensorFile file) => file.Contains(UnetPrefix + "camera_embed.0.weight");

    /// <summary>The whole checkpoint; a file without its text encoder or VAE is refused naming the part that is missing.</summary>
    public static LoadedCheckpoint Load(ITensorFile file, IReadOnlyList<string> tokenizerFolders)
    {
        bool imageDream = file.Contains(UnetPrefix + "image_embed.latents");
        var (family, textPrefix, vaePrefix) = Layouts[imageDream ? 1 : 0];
        var missing = new[] { (Part: "text encoder", Prefix: textPrefix, Present: OpenClipText.IsPresent(file, textPrefix)),
                (Part: "VAE", Prefix: vaePrefix, Present: file.Keys.Any(k => k.StartsWith(vaePrefix, StringComparison.Ordinal))) }
            .Where(p => !p.Present).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{file.Path} is an {family} UNet without its {string.Join(" and ", missing.Select(m => $"{m.Part} (no {m.Prefix}* keys)"))}: "
                + "LoadCheckpoint loads whole checkpoints only.");
        var tokenizer = SingleFileCheckpoint.Tokenizer(file.Path, tokenizerFolders).WithPadding(OpenClipPadToken);
        var yaml = OriginalConfigYaml.Beside(file.Path);
        var clip = new ClipModel(OpenClipText.Load(file, textPrefix), tokenizer);
        ImageVae? vae = null;
        try
        {
            vae = new ImageVae(SingleFileCheckpoint.LoadVae(file, vaePrefix, yaml));
            var model = LoadModel(file, yaml, LatentFormat.Of(vae.Autoencoder.Config));
            return new LoadedCheckpoint(model, clip, vae);
        }
        catch
        {
            vae?.Dispose();
            clip.Dispose();
            throw;
        }
    }

    /// <summary>The MODEL alone (the UNet and its schedule), whatever else the file holds.</summary>
    public static DiffusionModel LoadModel(ITensorFile file)
    {
        var yaml = OriginalConfigYaml.Beside(file.Path);
        double scale = yaml?.Number("model.params.scale_factor", 1e-6, 1e6) ?? LatentFormat.StableDiffusion1.ScaleFactor;
        return LoadModel(file, yaml, LatentFormat.StableDiffusion1 with { ScaleFactor = scale });
    }

    private static DiffusionModel LoadModel(ITensorFile file, YamlValues? yaml, LatentFormat format)
    {
        var config = MultiViewConfigs.Unet(new CheckpointShapes(file, UnetPrefix, file.Path), yaml);
        var schedule = LdmSchedule.Read(yaml, file, DdimSchedulerConfig.StableDiffusion1 with { TimestepSpacingName = "ldm_uniform" });
        var unet = ModuleLoading.LoadInto(new MultiViewUNetModel(config), new RenamedTensorSource(file, UnetPrefix, key => key));
        return new DiffusionModel(unet, schedule, format);
    }
}
