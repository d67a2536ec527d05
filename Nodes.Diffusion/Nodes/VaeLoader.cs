using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's VAELoader: a VAE from models/vae/, Stable Diffusion's image VAE or LTX-2's video VAE, recognised by
/// content (a single file, or a diffusers folder with config.json).
/// </summary>
[Node("VAELoader", DisplayName = "Load VAE", Category = "loaders",
      Description = "Loads a VAE: Stable Diffusion's image VAE or the LTX-2 video VAE, as a file or a diffusers folder.")]
public sealed class VaeLoader : INode, IFingerprint
{
    public VaeModel Execute(NodeContext context,
        [Combo(ModelFolder = "vae"), Input(Tooltip = "The VAE (file or diffusers folder) to load.")] string vaeName,
        [Input(Tooltip = WeightDtypes.VaeTooltip)] WeightDtype? weightDtype = WeightDtype.Default)
    {
        var dtype = weightDtype.Resolve(context, context.Device);
        var path = ModelFiles.Resolve(context.Paths, "vae", "vae_name", vaeName);
        return ModelFiles.Load("vae_name", vaeName, () => VaeCheckpoint.Load(path)).To(context.Device, dtype);
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) =>
        ModelFiles.Fingerprint(ModelFiles.Resolve(paths, "vae", "vae_name", literals.Get<string>("vae_name")));
}
