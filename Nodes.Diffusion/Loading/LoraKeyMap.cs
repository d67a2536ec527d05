using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// The names a LoRA file gives the layers of a network, mapped to the layers' weight keys in our module tree (diffusers'
/// names), as ComfyUI's model_lora_keys_unet / model_lora_keys_clip list them: kohya's <c>lora_unet_</c> +
/// the dotted path with underscores, diffusers and PEFT's dotted path under <c>unet.</c> (or <c>transformer.</c>, or
/// none), diffusers' attention processors (<c>attn1.processor.to_q</c>, <c>processor.to_out</c>); for the text encoder
/// <c>lora_te_</c> / <c>lora_te1_</c> and <c>text_encoder.</c>. Only Linear and convolution layers are addressed.
/// </summary>
public static class LoraKeyMap
{
    /// <summary>LoRA layer names in files written for the denoising network, to its weight keys.</summary>
    public static IReadOnlyDictionary<string, string> Network(Module network) => Map(network, path =>
    [
        "lora_unet_" + Underscored(path), path, "unet." + path, "transformer." + path,
        "unet." + Processor(path), Processor(path),
    ]);

    /// <summary>LoRA layer names in files written for the CLIP text encoder (transformers' CLIPTextModel keys), to its weight keys.</summary>
    public static IReadOnlyDictionary<string, string> TextEncoder(Module encoder) => Map(encoder, path =>
        ["lora_te_" + Underscored(path), "lora_te1_" + Underscored(path), "text_encoder." + path]);

    /// <summary>Whether a layer name addresses a text encoder (which a model-only loader leaves aside).</summary>
    public static bool IsTextEncoderName(string name) =>
        name.StartsWith("lora_te", StringComparison.Ordinal) || name.StartsWith("text_encoder", StringComparison.Ordinal);

    private static Dictionary<string, string> Map(Module module, Func<string, string[]> names)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, _) in module.named_modules().Where(m => m.Module is Linear or Convolution))
            foreach (var name in names(path))
                map.TryAdd(name, path + ".weight");
        return map;
    }

    private static string Underscored(string path) => path.Replace('.', '_');

    /// <summary>diffusers' attention-processor LoRA names: <c>to_q</c> under <c>processor.</c>, <c>to_out.0</c> as <c>to_out</c>.</summary>
    private static string Processor(string path)
    {
        var renamed = path.Replace(".to_", ".processor.to_", StringComparison.Ordinal);
        return renamed.EndsWith(".to_out.0", StringComparison.Ordinal) ? renamed[..^2] : renamed;
    }
}
