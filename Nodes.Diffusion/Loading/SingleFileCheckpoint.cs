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
        RequireLayout(file);
        var yamlPath = Path.ChangeExtension(path, ".yaml");
        var yaml = File.Exists(yamlPath) ? OriginalConfigYaml.Load(yamlPath) : null;
        var schedule = Schedule(yaml, path);
        var tokenizer = ClipTokenizer.Load(FindTokenizer(path, tokenizerFolders));

        var unetConfig = LdmConfigs.Unet(new CheckpointShapes(file, UnetPrefix, path), yaml);
        var vaeConfig = LdmConfigs.Vae(new CheckpointShapes(file, VaePrefix, path), yaml);
        var clipSource = new RenamedTensorSource(file, ClipPrefix, ClipKey);
        var clipConfig = LdmConfigs.Clip(new CheckpointShapes(clipSource, "", path), yaml);

        var vae = LoadInto(new AutoencoderKL(vaeConfig), new RenamedTensorSource(file, VaePrefix, k => LdmKeyMap.Vae(k, vaeConfig.BlockOutChannels.Length), LdmKeyMap.IsVaeAttentionConv));
        var unet = LoadInto(new UNet2DConditionModel(unetConfig), new RenamedTensorSource(file, UnetPrefix, k => LdmKeyMap.Unet(k, unetConfig.LayersPerBlock)));
        var clip = LoadInto(new ClipTextModel(clipConfig), clipSource, ignore: ["position_ids$"]);
        var format = new LatentFormat(vaeConfig.LatentChannels, vaeConfig.ScalingFactor);
        return new LoadedCheckpoint(new DiffusionModel(unet, schedule, format), new ClipModel(clip, tokenizer), new ImageVae(vae));
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

    /// <summary>LDM's linear_start/linear_end are the scaled-linear betas; parameterization "v" means v-prediction (SD2 768-v).</summary>
    private static DdimSchedulerConfig Schedule(YamlValues? yaml, string path) => (DdimSchedulerConfig.StableDiffusion1 with
    {
        BetaStart = yaml?.Number("model.params.linear_start", 0, 1) ?? 0.00085,
        BetaEnd = yaml?.Number("model.params.linear_end", 0, 1) ?? 0.012,
        NumTrainTimesteps = (int?)yaml?.Integer("model.params.timesteps", DdimSchedulerConfig.MinTrainTimesteps, DdimSchedulerConfig.MaxTrainTimesteps) ?? 1000,
        PredictionTypeName = yaml?.Text("model.params.parameterization") == "v" ? "v_prediction" : "epsilon",
    }).Checked(yaml?.Source ?? path);

    internal static string FindTokenizer(string checkpoint, IReadOnlyList<string> folders)
    {
        var candidates = folders.Prepend(Path.ChangeExtension(checkpoint, ".tokenizer")).ToList();
        return candidates.FirstOrDefault(f => File.Exists(Path.Combine(f, "vocab.json")) && File.Exists(Path.Combine(f, "merges.txt")))
            ?? throw new FileNotFoundException(
                $"{checkpoint} carries no tokenizer; put CLIP's vocab.json and merges.txt in one of: {string.Join(", ", candidates)}.");
    }
}
