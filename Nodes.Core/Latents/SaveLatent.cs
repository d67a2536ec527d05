using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Core.Latents;

/// <summary>
/// ComfyUI's SaveLatent: the latents (any rank: images [B, C, H, W] or video [B, C, T, H, W]) as
/// "{prefix}_{counter:05}_.latent" in the output folder, a safetensors file holding latent_tensor and the empty
/// latent_format_version_0 marker, with the workflow in its metadata ("prompt", and each extra_pnginfo key as JSON).
/// </summary>
[Node("SaveLatent", DisplayName = "Save Latent", Category = "_for_testing", OutputNode = true,
      Description = "Saves latents to the output folder, to load them elsewhere with LoadLatent.")]
public sealed class SaveLatent : INode
{
    public UiOutput Execute(NodeContext context,
        [Input(Tooltip = "The latents to save.")] Latent samples,
        [Input(Tooltip = "The prefix for the file to save; it may hold subfolders.")] string filenamePrefix = "latents/ComfyUI")
    {
        OutputFileNames.Target target;
        try
        {
            target = OutputFileNames.Resolve(context.Paths.Output, filenamePrefix);
        }
        catch (ArgumentException ex)
        {
            throw new InputException("filename_prefix", filenamePrefix, ex.Message);
        }
        // The name is claimed exclusively first; the file is then written beside it and moved over it, whole.
        var (stream, fileName, _) = OutputFileNames.CreateNext(target, target.Counter, LatentFile.Extension);
        stream.Dispose();
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            [LatentFile.TensorKey] = samples.Samples.contiguous(),
            [LatentFile.FormatVersionKey] = torch.zeros([0]),
        };
        SafeTensors.Save(Path.Combine(target.Folder, fileName), tensors, Metadata(context.Metadata));
        return new UiOutput().AddFile("latents", fileName, target.Subfolder, "output");
    }

    /// <summary>As ComfyUI: "prompt" always (empty without one), then each extra_pnginfo entry as JSON.</summary>
    private static Dictionary<string, string> Metadata(PromptMetadata metadata)
    {
        var result = new Dictionary<string, string> { ["prompt"] = metadata.Prompt?.ToJsonString() ?? "" };
        foreach (var (key, value) in metadata.ExtraPngInfo ?? [])
            result[key] = value?.ToJsonString() ?? "null";
        return result;
    }
}
