using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// Encodes a prompt with the CLIP's text encoders. ComfyUI's CLIPTextEncode under another name, same inputs (text,
/// clip), plus an optional max_sequence_length: the T5 tokens of an SD3 CLIP (diffusers' pipeline argument, default 256).
/// </summary>
[Node("ClipEncode", Aliases = ["CLIPTextEncode"], DisplayName = "CLIP Text Encode (Prompt)", Category = "conditioning",
      Description = "Encodes a text prompt into an embedding that guides the diffusion model.")]
public sealed class ClipEncode : INode
{
    public const int DefaultMaxSequenceLength = 256;

    public Conditioning Execute(NodeContext context,
        [String(Multiline = true), Input(Tooltip = "The text to be encoded.")] string text,
        [Input(Tooltip = "The CLIP model used for encoding the text.")] IClip clip,
        [Int(Min = 1, Max = 512), Input(Tooltip = "T5 tokens the prompt is padded or cut to (SD3's CLIP; diffusers' max_sequence_length).")] int? maxSequenceLength = DefaultMaxSequenceLength)
        => clip.Encode(text, maxSequenceLength ?? DefaultMaxSequenceLength, context.Logger);
}
