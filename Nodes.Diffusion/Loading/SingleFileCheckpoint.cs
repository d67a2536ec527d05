using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Models.Unet;
using Workflow.Nodes.Diffusion.Models.Vae;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Text;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;
using static Workflow.Nodes.Diffusion.Loading.ModuleLoading;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// A single-file SD1.x checkpoint in the original layout (model.diffusion_model.*, first_stage_model.*,
/// cond_stage_model.transformer.*). Configurations come from the tensor shapes, with a same-stem .yaml (v1-inference
/// form) read where it exists; keys are renamed to diffusers' on the way in. The tokenizer is not in the file: it is
/// looked up in <c>&lt;stem&gt;.tokenizer/</c> beside the checkpoint, then in the tokenizer folders the caller names,
/// else CLIP's vocabulary bundled with this plugin is used.
/// </summary>
public static class SingleFileCheckpoint
{
    private const string UnetPrefix = "model.diffusion_model.";
    private const string VaePrefix = "first_stage_model.";
    private const string ClipPrefix = "cond_stage_model.transformer.";

    public static LoadedCheckpoint Load(string path, IReadOnlyList<string> tokenizerFolders)
    {
        using var file = TensorFile.Open(path);
        return Load(file, tokenizerFolders);
    }

    /// <param name="config">The original config to read (CheckpointLoader's config_name); by default the same-stem .yaml, where there is one.</param>
    public static LoadedCheckpoint Load(ITensorFile file, IReadOnlyList<string> tokenizerFolders, YamlValues? config = null)
    {
        var path = file.Path;
        RequireLayout(file);
        var yaml = config ?? OriginalConfigYaml.Beside(path);
        var schedule = LdmSchedule.Read(yaml, file, DdimSchedulerConfig.StableDiffusion1);
        var tokenizer = Tokenizer(path, tokenizerFolders);

        var unetConfig = LdmConfigs.Unet(new CheckpointShapes(file, UnetPrefix, path), yaml);
        var clipSource = ClipSource(file, ClipPrefix);
        var clipConfig = LdmConfigs.Clip(new CheckpointShapes(clipSource, "", path), yaml);

        var vae = LoadVae(file, VaePrefix, yaml);
        var unet = LoadUnet(file, UnetPrefix, unetConfig);
        var clip = LoadClip(clipSource, clipConfig);
        return new LoadedCheckpoint(new DiffusionModel(unet, schedule, LatentFormat.Of(vae.Config)), new ClipModel(clip, tokenizer), new ImageVae(vae));
    }

    /// <summary>The LDM UNet under <paramref name="prefix"/> (model.diffusion_model., or none in a UNet file), renamed to diffusers' keys.</summary>
    internal static UNet2DConditionModel LoadUnet(ITensorFile file, string prefix, UNet2DConditionConfig config) =>
        LoadInto(new UNet2DConditionModel(config), new RenamedTensorSource(file, prefix, k => LdmKeyMap.Unet(k, config.LayersPerBlock)));

    /// <summary>CLIP's text tower under <paramref name="prefix"/>, in transformers' keys with or without their text_model. level.</summary>
    internal static RenamedTensorSource ClipSource(ITensorFile file, string prefix) => new(file, prefix, ClipKey);

    /// <summary>
    /// The text tower SD1.x conditions on: the final hidden states. A projection (text_projection, logit_scale), which
    /// CLIP-L files saved from the whole CLIP model carry, is not part of it.
    /// </summary>
    internal static ClipTextModel LoadClip(RenamedTensorSource source, ClipTextConfig config) =>
        LoadInto(new ClipTextModel(config), source, ignore: ["position_ids$", @"text_projection\.weight$", "logit_scale$"]);

    private static void RequireLayout(ITensorFile file)
    {
        var missing = new[] { UnetPrefix, VaePrefix, ClipPrefix }.Where(p => !file.Keys.Any(k => k.StartsWith(p, StringComparison.Ordinal))).ToList();
        if (missing.Count == 0)
            return;
        var found = file.Keys.Select(k => string.Join('.', k.Split('.').Take(2))).Distinct().Order().Take(8);
        throw new InvalidDataException(
            $"{file.Path} is not an SD1.x checkpoint in the original layout: no keys under {string.Join(", ", missing)} (found {string.Join(", ", found)}…).");
    }

    /// <summary>Older transformers saved the text model without its text_model. level.</summary>
    private static string ClipKey(string key) => key.StartsWith("text_model.", StringComparison.Ordinal) ? key : "text_model." + key;

    /// <summary>
    /// CLIP's tokenizer for a file that carries none: from &lt;stem&gt;.tokenizer/ beside <paramref name="checkpoint"/>, else
    /// the first of <paramref name="folders"/> holding vocab.json and merges.txt, else the vocabulary bundled with this plugin.
    /// </summary>
    internal static ClipTokenizer Tokenizer(string checkpoint, IReadOnlyList<string> folders)
    {
        var folder = folders.Prepend(Path.ChangeExtension(checkpoint, ".tokenizer"))
            .FirstOrDefault(f => File.Exists(Path.Combine(f, "vocab.json")) && File.Exists(Path.Combine(f, "merges.txt")));
        return folder is null ? BundledClipVocabulary.Tokenizer() : ClipTokenizer.Load(folder);
    }

    /// <summary>The KL VAE under <paramref name="prefix"/> (first_stage_model., or ImageDream's vae_model.), renamed to diffusers' keys.</summary>
    internal static AutoencoderKL LoadVae(ITensorFile file, string prefix, YamlValues? yaml)
    {
        var config = LdmConfigs.Vae(new CheckpointShapes(file, prefix, file.Path), yaml);
        return LoadInto(new AutoencoderKL(config), new RenamedTensorSource(file, prefix, k => LdmKeyMap.Vae(k, config.BlockOutChannels.Length), LdmKeyMap.IsVaeAttentionConv));
    }
}
