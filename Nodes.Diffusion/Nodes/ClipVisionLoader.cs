using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.NodeSdk;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's CLIPVisionLoader: a CLIP vision tower from models/clip_vision/ (a file in transformers' or OpenCLIP's
/// layout, or a folder with config.json and model.safetensors such as IP-Adapter's image_encoder/).
/// </summary>
[Node("CLIPVisionLoader", DisplayName = "Load CLIP Vision", Category = "loaders",
      Description = "Loads a CLIP vision model, which encodes images for IP-Adapter and image-prompted models.")]
public sealed class ClipVisionLoader : INode, IFingerprint
{
    public ClipVision Execute(NodeContext context,
        [Combo(ModelFolder = "clip_vision"), Input(Tooltip = "The CLIP vision model (file or folder) to load.")] string clipName,
        [Input(Tooltip = WeightDtypes.Tooltip)] WeightDtype? weightDtype = WeightDtype.Default)
    {
        var dtype = weightDtype.Resolve(context, context.Device);
        var path = ModelFiles.Resolve(context.Paths, "clip_vision", "clip_name", clipName);
        return new ClipVision(ModelFiles.Load("clip_name", clipName, () => ClipVisionCheckpoint.Load(path)).to(context.Device, dtype));
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) =>
        ModelFiles.Fingerprint(ModelFiles.Resolve(paths, "clip_vision", "clip_name", literals.Get<string>("clip_name")));
}
