using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's CLIPSetLastLayer (CLIP skip): a CLIP that conditions on the hidden states of an earlier layer, through
/// final_layer_norm, as ComfyUI's SD1ClipModel with layer "hidden" and layer_norm_hidden_state; −1 is the last layer,
/// −2 the penultimate. It shares the input's weights. SD3's CLIPs (whose layers ComfyUI sets per encoder) are refused.
/// </summary>
[Node("CLIPSetLastLayer", DisplayName = "CLIP Set Last Layer", Category = "conditioning")]
public sealed class ClipSetLastLayer : INode
{
    public IClip Execute(
        IClip clip,
        [Int(Min = -24, Max = -1)] int stopAtClipLayer = -1)
    {
        var textClip = clip as ClipModel
            ?? throw new InputException("clip", clip.GetType().Name, "CLIPSetLastLayer works on SD1.x-style CLIPs (one CLIP text encoder), not on this one");
        return textClip.WithLastLayer(stopAtClipLayer);
    }
}
