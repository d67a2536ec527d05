using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's LoraLoader: a LoRA from models/loras/ applied to a MODEL and a CLIP, each at its own strength (kohya/A1111,
/// diffusers and PEFT layouts, LoCon convolutions). The outputs share the inputs' weights; the LoRA's changes are added
/// when the networks run, so the inputs are unchanged and several LoRA nodes on one checkpoint hold one copy of it.
/// </summary>
[Node("LoraLoader", DisplayName = "Load LoRA", Category = "loaders",
      Description = "LoRAs are used to modify diffusion and CLIP models, altering the way in which latents are denoised such as applying styles. Multiple LoRA nodes can be linked together.")]
public sealed class LoraLoader : INode, IFingerprint
{
    public sealed record Outputs(DiffusionModel Model, IClip Clip) : INodeOutputs;

    public Outputs Execute(NodeContext context,
        [Input(Tooltip = "The diffusion model the LoRA will be applied to.")] DiffusionModel model,
        [Input(Tooltip = "The CLIP model the LoRA will be applied to.")] IClip clip,
        [Combo(ModelFolder = "loras"), Input(Tooltip = "The name of the LoRA.")] string loraName,
        [Float(Min = -100, Max = 100, Step = 0.01), Input(Tooltip = "How strongly to modify the diffusion model. This value can be negative.")] double strengthModel = 1.0,
        [Float(Min = -100, Max = 100, Step = 0.01), Input(Tooltip = "How strongly to modify the CLIP model. This value can be negative.")] double strengthClip = 1.0)
    {
        var textClip = clip as ClipModel
            ?? throw new InputException("clip", clip.GetType().Name, "LoRAs apply to SD1.x-style CLIPs (one CLIP text encoder); use LoraLoaderModelOnly for this model");
        var (patchedModel, patchedClip) = LoraApplication.Apply(context, loraName, model, strengthModel, textClip, strengthClip);
        return new Outputs(patchedModel, patchedClip!);
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) =>
        ModelFiles.Fingerprint(ModelFiles.Resolve(paths, "loras", "lora_name", literals.Get<string>("lora_name")));
}
