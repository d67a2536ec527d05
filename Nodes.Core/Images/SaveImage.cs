using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Core.Images;

/// <summary>
/// Writes each image of a batch as "{prefix}_{counter:05}_.png" in the output folder (ComfyUI's SaveImage naming,
/// %batch_num% per image), with the workflow embedded as tEXt chunks "prompt" and each extra_pnginfo key
/// ("workflow"), so the PNG can be dropped back into ComfyUI.
/// </summary>
[Node("SaveImage", DisplayName = "Save Image", Category = "image", OutputNode = true,
      Description = "Saves the input images to your output directory.")]
public sealed class SaveImage : INode
{
    public UiOutput Execute(NodeContext context,
        [Input(Tooltip = "The images to save.")] ImageBatch images,
        [Input(Tooltip = "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.")]
        string filenamePrefix = "ComfyUI")
        => PngFiles.Write(context, images, context.Paths.Output, filenamePrefix, "output");
}
