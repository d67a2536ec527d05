using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.NodeSdk;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>ComfyUI_IPAdapter_plus' IPAdapterModelLoader: an IP-Adapter (base or Plus) from models/ipadapter/, original file layout.</summary>
[Node("IPAdapterModelLoader", DisplayName = "IPAdapter Model Loader", Category = "ipadapter",
      Description = "Loads IP-Adapter weights: an image projection and decoupled cross-attention for each UNet layer.")]
public sealed class IpAdapterModelLoader : INode, IFingerprint
{
    public IpAdapter Execute(NodeContext context,
        [Combo(ModelFolder = "ipadapter"), Input(Tooltip = "The IP-Adapter file (ip-adapter_sd15, ip-adapter-plus_sd15, ...).")] string ipadapterFile,
        [Input(Tooltip = WeightDtypes.Tooltip)] WeightDtype? weightDtype = WeightDtype.Default)
    {
        var dtype = weightDtype.Resolve(context, context.Device);
        var path = ModelFiles.Resolve(context.Paths, "ipadapter", "ipadapter_file", ipadapterFile);
        return new IpAdapter(ModelFiles.Load("ipadapter_file", ipadapterFile, () => IpAdapterCheckpoint.Load(path)).to(context.Device, dtype));
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) =>
        ModelFiles.Fingerprint(ModelFiles.Resolve(paths, "ipadapter", "ipadapter_file", literals.Get<string>("ipadapter_file")));
}
