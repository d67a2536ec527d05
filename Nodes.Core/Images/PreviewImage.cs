using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Core.Images;

/// <summary>
/// ComfyUI's PreviewImage (nodes.py): SaveImage into the temp folder, as type "temp", under the prefix
/// "ComfyUI_temp_" and five random letters (ComfyUI's alphabet, its doubled "p" and missing "w" included), so previews
/// never collide with saved pictures; /view?type=temp serves them.
/// </summary>
[Node("PreviewImage", DisplayName = "Preview Image", Category = "image", OutputNode = true,
      Description = "Preview the images without saving them to the output directory.")]
public sealed class PreviewImage : INode
{
    private const string SuffixLetters = "abcdefghijklmnopqrstupvxyz";

    public UiOutput Execute(NodeContext context, [Input(Tooltip = "The images to preview.")] ImageBatch images)
    {
        var suffix = string.Concat(Enumerable.Range(0, 5).Select(_ => SuffixLetters[Random.Shared.Next(SuffixLetters.Length)]));
        return PngFiles.Write(context, images, context.Paths.Temp, "ComfyUI_temp_" + suffix, "temp");
    }
}
