using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// Loads a Stable Diffusion checkpoint from models/checkpoints: a single file in the original layout (safetensors, or a
/// PyTorch pickle such as a .ckpt, read weights-only), or a diffusers folder; SD1.x/SD2.x or SD3 by what it holds.
/// ComfyUI's CheckpointLoaderSimple under another name; the same input name (ckpt_name). A single file's tokenizers
/// (which it does not contain) are read from &lt;stem&gt;.tokenizer/ beside it, else models/tokenizers/clip_l/ (and,
/// for SD3, clip_g/ and t5/), else, for CLIP-L, the vocabulary bundled with this plugin.
/// </summary>
[Node("LoadCheckpoint", Aliases = ["CheckpointLoaderSimple"], DisplayName = "Load Checkpoint", Category = "loaders",
      Description = "Loads a diffusion model checkpoint; diffusion models denoise latents.")]
public sealed class LoadCheckpoint : INode, IFingerprint
{
    public sealed record Outputs(DiffusionModel Model, IClip Clip, VaeModel Vae) : INodeOutputs;

    public Outputs Execute(NodeContext context,
        [Combo(ModelFolder = "checkpoints"), Input(Tooltip = "The checkpoint (file or diffusers folder) to load.")] string ckptName,
        [Input(Tooltip = WeightDtypes.Tooltip)] WeightDtype? weightDtype = WeightDtype.Default)
    {
        var dtype = weightDtype.Resolve(context, context.Device);
        var path = ModelFiles.Resolve(context.Paths, "checkpoints", "ckpt_name", ckptName);
        var loaded = ModelFiles.Load("ckpt_name", ckptName, dtype,
            () => CheckpointLoader.Load(path, [TokenizerFolders.ClipL(context.Paths)]).To(context.Device, dtype));
        return new Outputs(loaded.Model, loaded.Clip, loaded.Vae);
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) =>
        ModelFiles.Fingerprint(ModelFiles.Resolve(paths, "checkpoints", "ckpt_name", literals.Get<string>("ckpt_name")));
}
