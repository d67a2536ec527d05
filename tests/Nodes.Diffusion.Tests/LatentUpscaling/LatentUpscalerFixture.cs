using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.LatentUpscaling;

/// <summary>
/// multiview-tiny's latent_upscaler section: diffusers' StableDiffusionLatentUpscalePipeline on a tiny seeded
/// sd-x2-latent-upscaler (its pipeline folder), the runs it recorded (prompt, guidance, steps, seed, sizes) and their
/// tensors ("&lt;run&gt;.&lt;name&gt;", "unet_call.*") in one file.
/// </summary>
internal static class LatentUpscalerFixture
{
    public const string Section = "latent_upscaler";

    public static JsonNode Manifest => MultiviewFixture.Section(Section);

    /// <summary>The file holding every tensor of the section (the one its "files" list names as .safetensors).</summary>
    public static string GoldenFile => Manifest["files"]!.AsArray().Select(f => (string)f!["file"]!)
        .Single(f => f.EndsWith(".safetensors", StringComparison.Ordinal) && !f.Contains("/pipeline/", StringComparison.Ordinal));

    public static GoldenTensors Tensors() => MultiviewFixture.Tensors(GoldenFile);

    /// <summary>The pipeline folder diffusers saved (save_pretrained), named by the manifest's pipeline_dir.</summary>
    public static string PipelineFolder => MultiviewFixture.File(((string)Manifest["pipeline_dir"]!).Split(' ')[0]);

    public static LatentUpscaleModel LoadModel() => LatentUpscalerCheckpoint.Load(PipelineFolder, []);

    /// <summary>The recorded runs by name.</summary>
    public static TheoryData<string> RunNames =>
        Golden.Rows(MultiviewFixture.Name, () => Manifest["runs"]!.AsArray().Select(r => (string)r!["name"]!), "(fixture absent)");

    public static UpscaleRun Run(string name) => UpscaleRun.From(Manifest["runs"]!.AsArray().Single(r => (string)r!["name"]! == name)!);
}

/// <summary>One recorded pipeline call: its arguments and what the manifest says it became.</summary>
internal sealed record UpscaleRun(string Name, string Prompt, string? NegativePrompt, double Guidance, int Steps, ulong Seed,
    bool ClassifierFreeGuidance, bool PromptReplacedByEmpty, float InitNoiseSigma, float[] Sigmas, float[] UnetTimesteps)
{
    public static UpscaleRun From(JsonNode run) => new(
        (string)run["name"]!, (string)run["prompt"]!, (string?)run["negative_prompt"], (double)run["guidance_scale"]!,
        (int)run["num_inference_steps"]!, (ulong)run["generator_seed"]!, (bool)run["classifier_free_guidance"]!,
        (bool)run["prompt_replaced_by_empty"]!, (float)run["init_noise_sigma"]!,
        [.. run["sigmas"]!.AsArray().Select(s => (float)s!)], [.. run["unet_timesteps"]!.AsArray().Select(s => (float)s!)]);

    /// <summary>The prompt the text encoder reads: "" where guidance 0 replaced it.</summary>
    public string EffectivePrompt => PromptReplacedByEmpty ? "" : Prompt;

    /// <summary>The unconditional prompt under guidance: diffusers' "" for a null negative prompt.</summary>
    public string EffectiveNegativePrompt => NegativePrompt ?? "";
}
