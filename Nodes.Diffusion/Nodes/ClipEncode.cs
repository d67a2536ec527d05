using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>Encodes a prompt with the CLIP text encoder. ComfyUI's CLIPTextEncode under another name, same inputs (text, clip).</summary>
[Node("ClipEncode", Aliases = ["CLIPTextEncode"], DisplayName = "CLIP Text Encode (Prompt)", Category = "conditioning",
      Description = "Encodes a text prompt into an embedding that guides the diffusion model.")]
public sealed class ClipEncode : INode
{
    public Conditioning Execute(NodeContext context,
        [String(Multiline = true), Input(Tooltip = "The text to be encoded.")] string text,
        [Input(Tooltip = "The CLIP model used for encoding the text.")] ClipModel clip)
        => clip.Encode(text, context.Logger);
}
