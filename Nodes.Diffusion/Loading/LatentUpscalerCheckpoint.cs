using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Models.Unet;
using Workflow.Nodes.Diffusion.Models.Vae;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Text;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Reads a latent upscaler (stabilityai/sd-x2-latent-upscaler): its diffusers folder (unet/, text_encoder/,
/// tokenizer/, scheduler/; vae/ only lends its config's latent scale), or a single file holding the pipeline's two
/// networks under their component names (unet.*, text_encoder.*). A single file's configurations come from the tensor
/// shapes with the published model's head width of 64 channels (or from a same-stem .json with "unet" and
/// "text_encoder" configs), its scheduler is the published one, and its tokenizer is looked up as a single-file
/// checkpoint's (&lt;stem&gt;.tokenizer/ beside it, then <paramref name="tokenizerFolders"/>, then the bundled vocabulary).
/// </summary>
public static class LatentUpscalerCheckpoint
{
    private const string UnetPrefix = "unet.";
    private const string TextEncoderPrefix = "text_encoder.";

    public static LatentUpscaleModel Load(string path, IReadOnlyList<string> tokenizerFolders)
    {
        if (Directory.Exists(path))
            return DiffusersFolder.IsDiffusersFolder(path)
                ? LoadFolder(new DiffusersFolder(path))
                : throw new InvalidDataException($"{path} is a folder without model_index.json: not a diffusers pipeline.");
        if (!File.Exists(path))
            throw new FileNotFoundException($"No latent upscaler at {path}.", path);
        return LoadSingleFile(path, tokenizerFolders);
    }

    private static LatentUpscaleModel LoadFolder(DiffusersFolder folder)
    {
        var scheduler = File.Exists(folder.ConfigPath("scheduler"))
            ? EulerDiscreteSchedulerConfig.FromJson(folder.Config("scheduler"), folder.ConfigPath("scheduler"))
            : EulerDiscreteSchedulerConfig.LatentUpscaler;
        var format = File.Exists(folder.ConfigPath("vae")) ? LatentFormat.Of(AutoencoderKLConfig.FromJson(folder.Config("vae"), folder.ConfigPath("vae"))) : LatentFormat.StableDiffusion1;
        var tokenizer = ClipTokenizer.Load(folder.ComponentFolder("tokenizer"));
        var unet = folder.LoadKUnet();
        try
        {
            return Assemble(unet, new ClipModel(folder.LoadTextEncoder(), tokenizer), scheduler, format);
        }
        catch
        {
            unet.Dispose();
            throw;
        }
    }

    private static LatentUpscaleModel LoadSingleFile(string path, IReadOnlyList<string> tokenizerFolders)
    {
        using var file = TensorFile.Open(path);
        var missing = new[] { UnetPrefix, TextEncoderPrefix }.Where(p => !file.Keys.Any(k => k.StartsWith(p, StringComparison.Ordinal))).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{path} is not a latent upscaler: no keys under {string.Join(" and ", missing)} (a single file holds unet.* and text_encoder.*; or use the diffusers folder).");
        var configs = SameStemConfigs(path);
        var unetSource = new RenamedTensorSource(file, UnetPrefix, k => k);
        var textSource = new RenamedTensorSource(file, TextEncoderPrefix, k => k);
        var unetConfig = configs?["unet"] is JsonObject unetJson
            ? KUNet2DConditionConfig.FromJson(unetJson.ToJsonString(), $"{Path.ChangeExtension(path, ".json")}: unet")
            : KUNetShapes.Config(new CheckpointShapes(unetSource, "", path));
        var textConfig = configs?["text_encoder"] is JsonObject textJson
            ? ClipTextConfig.FromJson(textJson.ToJsonString(), $"{Path.ChangeExtension(path, ".json")}: text_encoder")
            : LdmConfigs.Clip(new CheckpointShapes(textSource, "", path), yaml: null);
        var tokenizer = SingleFileCheckpoint.Tokenizer(path, tokenizerFolders);
        var unet = ModuleLoading.LoadInto(new KUNet2DConditionModel(unetConfig), unetSource);
        try
        {
            var text = ModuleLoading.LoadInto(new ClipTextModel(textConfig), textSource, ignore: ["position_ids$"]);
            return Assemble(unet, new ClipModel(text, tokenizer), EulerDiscreteSchedulerConfig.LatentUpscaler, LatentFormat.StableDiffusion1);
        }
        catch
        {
            unet.Dispose();
            throw;
        }
    }

    /// <summary>The parts as one model; the text encoder is freed if they do not belong together (the caller frees the UNet).</summary>
    private static LatentUpscaleModel Assemble(KUNet2DConditionModel unet, ClipModel text, EulerDiscreteSchedulerConfig scheduler, LatentFormat format)
    {
        try
        {
            return new LatentUpscaleModel(unet, text, scheduler, format);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    /// <summary>&lt;stem&gt;.json beside a single file: {"unet": {...}, "text_encoder": {...}}, either optional.</summary>
    private static JsonObject? SameStemConfigs(string path)
    {
        var json = Path.ChangeExtension(path, ".json");
        if (!File.Exists(json))
            return null;
        try
        {
            return JsonNode.Parse(RegularFile.ReadAllText(json, DiffusersFolder.MaxConfigBytes)) as JsonObject
                ?? throw new InvalidDataException($"{json}: expected an object with \"unet\" and/or \"text_encoder\" configs");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidDataException($"{json}: {ex.Message}");
        }
    }
}
