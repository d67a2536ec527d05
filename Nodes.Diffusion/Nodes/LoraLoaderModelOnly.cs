using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's LoraLoaderModelOnly: <see cref="LoraLoader"/> for the MODEL alone; the file's text-encoder layers are
/// left aside without a warning.
/// </summary>
[Node("LoraLoaderModelOnly", Category = "loaders",
      Description = "LoRAs are used to modify diffusion and CLIP models, altering the way in which latents are denoised such as applying styles. Multiple LoRA nodes can be linked together.")]
public sealed class LoraLoaderModelOnly : INode, IFingerprint
{
    public DiffusionModel Execute(NodeContext context,
        [Input(Tooltip = "The diffusion model the LoRA will be applied to.")] DiffusionModel model,
        [Combo(ModelFolder = "loras"), Input(Tooltip = "The name of the LoRA.")] string loraName,
        [Float(Min = -100, Max = 100, Step = 0.01), Input(Tooltip = "How strongly to modify the diffusion model. This value can be negative.")] double strengthModel = 1.0) =>
        LoraApplication.Apply(context, loraName, model, strengthModel, clip: null, strengthClip: 0).Model;

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) =>
        ModelFiles.Fingerprint(ModelFiles.Resolve(paths, "loras", "lora_name", literals.Get<string>("lora_name")));
}
