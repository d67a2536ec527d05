using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Models.Unet;
using Workflow.Nodes.Diffusion.Models.Vae;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// A model in diffusers' folder layout: model_index.json and one folder per component (unet/, vae/, text_encoder/,
/// tokenizer/, scheduler/) holding config.json and its weights (safetensors, or the older pickled .bin). Each component
/// is built from its config and loaded strictly by key name.
/// </summary>
public sealed class DiffusersFolder(string root)
{
    public string Root { get; } = root;

    public static bool IsDiffusersFolder(string path) => File.Exists(Path.Combine(path, "model_index.json"));

    /// <summary>diffusers' configs are a few kilobytes; a megabyte is any config, and not a memory attack.</summary>
    public const int MaxConfigBytes = 1 << 20;

    public UNet2DConditionModel LoadUnet() =>
        Load(new UNet2DConditionModel(UNet2DConditionConfig.FromJson(Config("unet"), ConfigPath("unet"))), "unet", "diffusion_pytorch_model");

    /// <summary>The K-blocks UNet of a latent upscaler pipeline (StableDiffusionLatentUpscalePipeline's unet/).</summary>
    public KUNet2DConditionModel LoadKUnet() =>
        Load(new KUNet2DConditionModel(KUNet2DConditionConfig.FromJson(Config("unet"), ConfigPath("unet"))), "unet", "diffusion_pytorch_model");

    public AutoencoderKL LoadVae(string component = "vae") =>
        Load(new AutoencoderKL(AutoencoderKLConfig.FromJson(Config(component), ConfigPath(component))), component, "diffusion_pytorch_model");

    /// <param name="withProjection">CLIPTextModelWithProjection (text_projection.weight), as SD3's text encoders are.</param>
    public ClipTextModel LoadTextEncoder(string component = "text_encoder", bool withProjection = false) =>
        Load(new ClipTextModel(ClipTextConfig.FromJson(Config(component), ConfigPath(component)), withProjection), component, "model");

    public string ComponentFolder(string component) => Path.Combine(Root, component);

    public string ConfigPath(string component) => Path.Combine(Root, component, component == "scheduler" ? "scheduler_config.json" : "config.json");

    /// <summary>A component's config text, read only from a regular file of at most <see cref="MaxConfigBytes"/>.</summary>
    public string Config(string component)
    {
        var path = ConfigPath(component);
        return File.Exists(path) ? RegularFile.ReadAllText(path, MaxConfigBytes) : throw new FileNotFoundException($"{Root} has no {component} config at {path}.", path);
    }

    /// <summary>Builds nothing: loads <paramref name="module"/> (disposed on failure) strictly from the component's weights, keys matching <paramref name="ignore"/> aside.</summary>
    internal T Load<T>(T module, string component, string weightsStem, IReadOnlyCollection<string>? ignore = null) where T : Module
    {
        // diffusers saves safetensors, large ones in shards with an index; older downloads have the same weights
        // pickled (pytorch_model.bin for transformers' models).
        string[] names = [weightsStem + ".safetensors", weightsStem + ".safetensors.index.json", weightsStem == "model" ? "pytorch_model.bin" : weightsStem + ".bin"];
        var path = names.Select(n => Path.Combine(Root, component, n)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            module.Dispose();
            throw new FileNotFoundException($"{Root} has no {component} weights ({string.Join(" or ", names)} in {Path.Combine(Root, component)}).", Path.Combine(Root, component, names[0]));
        }
        try
        {
            using var weights = ShardedTensorFile.IsIndex(path) ? ShardedTensorFile.Open(path) : TensorFile.Open(path);
            module.load_state_dict(weights, strict: true, ignore);
            return module;
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }
}
