using Microsoft.Extensions.Logging;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// What LoraLoader and LoraLoaderModelOnly share (ComfyUI's load_lora_for_models): read a file from models/loras/, map
/// its layers onto the MODEL's network and the CLIP's text encoder, and return patched copies sharing their weights.
/// Keys that address neither are logged as ComfyUI's "lora key not loaded" (how many, a few by name); a file of which
/// nothing applies is an error naming it.
/// </summary>
internal static class LoraApplication
{
    private const int ExampleKeys = 5;

    public static (DiffusionModel Model, ClipModel? Clip) Apply(NodeContext context, string loraName, DiffusionModel model, double strengthModel,
        ClipModel? clip, double strengthClip)
    {
        var path = ModelFiles.Resolve(context.Paths, "loras", "lora_name", loraName);
        using var file = ModelFiles.Load("lora_name", loraName, () => LoraFile.Load(path));
        var bound = new HashSet<string>(StringComparer.Ordinal);
        var network = model.Network.Module;
        var modelPatch = ModelFiles.Load("lora_name", loraName, () => file.Patch(network, LoraKeyMap.Network(network), strengthModel, bound));
        LoraPatch? clipPatch = null;
        try
        {
            if (clip is not null)
                clipPatch = ModelFiles.Load("lora_name", loraName, () => file.Patch(clip.Encoder, LoraKeyMap.TextEncoder(clip.Encoder), strengthClip, bound));
            if (bound.Count == 0)
                throw new InputException("lora_name", loraName,
                    $"no layer of {path} is one of this {(clip is null ? "model's" : "model's or CLIP's")} layers ({file.Layers.Count} layers, " +
                    $"{file.UnrecognisedKeys.Count} other keys; for example {string.Join(", ", Examples(file))}): is it a LoRA for another model?");
        }
        catch
        {
            modelPatch.Dispose();
            clipPatch?.Dispose();
            throw;
        }
        WarnNotLoaded(context.Logger, path, file, bound, modelOnly: clip is null);
        return (model.WithPatch(modelPatch), clipPatch is null ? null : clip!.WithPatch(clipPatch));
    }

    private static void WarnNotLoaded(ILogger logger, string path, LoraFile file, HashSet<string> bound, bool modelOnly)
    {
        var notLoaded = file.Layers.Select(l => l.Name)
            .Where(name => !bound.Contains(name) && !(modelOnly && LoraKeyMap.IsTextEncoderName(name)))
            .Concat(file.UnrecognisedKeys).ToList();
        if (notLoaded.Count > 0)
            logger.LogWarning("lora key not loaded: {Count} layer(s) or key(s) of {File} address nothing in this model, such as {Examples}",
                notLoaded.Count, path, string.Join(", ", notLoaded.Take(ExampleKeys)));
    }

    private static IEnumerable<string> Examples(LoraFile file) =>
        file.Layers.Select(l => l.Name).Concat(file.UnrecognisedKeys).Take(ExampleKeys).DefaultIfEmpty("(the file is empty)");
}
