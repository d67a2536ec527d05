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
/// looked up in <c>&lt;stem&gt;.tokenizer/</c> beside the checkpoint, then in the tokenizer folders the caller names.
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

    public static LoadedCheckpoint Load(ITensorFile file, IReadOnlyList<string> tokenizerFolders)
    {
        var path = file.Path;
        RequireLayout(file);
        var yaml = OriginalConfigYaml.Beside(path);
        var schedule = LdmSchedule.Read(yaml, file, DdimSchedulerConfig.StableDiffusion1);
        var tokenizer = ClipTokenizer.Load(FindTokenizer(path, tokenizerFolders));

        var unetConfig = LdmConfigs.Unet(new CheckpointShapes(file, UnetPrefix, path), yaml);
        var clipSource = new RenamedTensorSource(file, ClipPrefix, ClipKey);
        var clipConfig = LdmConfigs.Clip(new CheckpointShapes(clipSource, "", path), yaml);

        var vae = LoadVae(file, VaePrefix, yaml);
        var unet = LoadInto(new UNet2DConditionModel(unetConfig), new RenamedTensorSource(file, UnetPrefix, k => LdmKeyMap.Unet(k, unetConfig.LayersPerBlock)));
        var clip = LoadInto(new ClipTextModel(clipConfig), clipSource, ignore: ["position_ids$"]);
        return new LoadedCheckpoint(new DiffusionModel(unet, schedule, LatentFormat.Of(vae.Config)), new ClipModel(clip, tokenizer), new ImageVae(vae));
    }

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

    internal static string FindTokenizer(string checkpoint, IReadOnlyList<string> folders)
    {
        var candidates = folders.Prepend(Path.ChangeExtension(checkpoint, ".tokenizer")).ToList();
        return candidates.FirstOrDefault(f => File.Exists(Path.Combine(f, "vocab.json")) && File.Exists(Path.Combine(f, "merges.txt")))
            ?? throw new FileNotFoundException(
                $"{checkpoint} carries no tokenizer; put CLIP's vocab.json and merges.txt in one of: {string.Join(", ", candidates)}.");
    }

    /// <summary>The KL VAE under <paramref name="prefix"/> (first_stage_model., or ImageDream's vae_model.), renamed to diffusers' keys.</summary>
    internal static AutoencoderKL LoadVae(ITensorFile file, string prefix, YamlValues? yaml)
    {
        var config = LdmConfigs.Vae(new CheckpointShapes(file, prefix, file.Path), yaml);
        return LoadInto(new AutoencoderKL(config), new RenamedTensorSource(file, prefix, k => LdmKeyMap.Vae(k, config.BlockOutChannels.Length), LdmKeyMap.IsVaeAttentionConv));
    }
}
