using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>The dtype UNETLoader stores the weights in: ComfyUI's options; the fp8 ones are refused.</summary>
public enum UnetWeightDtype
{
    [WireName("default")] Default,
    [WireName("fp8_e4m3fn")] Fp8E4m3fn,
    [WireName("fp8_e4m3fn_fast")] Fp8E4m3fnFast,
    [WireName("fp8_e5m2")] Fp8E5m2,
}

/// <summary>
/// ComfyUI's UNETLoader: a diffusion model on its own from models/diffusion_models/ (or models/unet/), an SD1.x/SD2.x
/// UNet in LDM's names (<see cref="UnetCheckpoint"/>), as safetensors or a pickle. weight_dtype "default" keeps the
/// file's weights as loaded; the fp8 storage options are refused (no fp8 kernels here).
/// </summary>
[Node("UNETLoader", DisplayName = "Load Diffusion Model", Category = "advanced/loaders",
      Description = "Loads a diffusion model (UNet) file without VAE or text encoder.")]
public sealed class UnetLoader : INode, IFingerprint
{
    public DiffusionModel Execute(NodeContext context,
        [Combo(ModelFolder = "diffusion_models"), Input(Tooltip = "The diffusion model file to load.")] string unetName,
        [Input(Tooltip = "The dtype to store the weights in; default keeps the file's.")] UnetWeightDtype weightDtype = UnetWeightDtype.Default)
    {
        if (weightDtype != UnetWeightDtype.Default)
            throw new InputException("weight_dtype", ComfyNames.Of(weightDtype),
                "fp8 weight storage is not supported here (no fp8 kernels): choose default");
        var path = ModelFiles.Resolve(context.Paths, "diffusion_models", "unet_name", unetName);
        var model = ModelFiles.Load("unet_name", unetName, () => UnetCheckpoint.Load(path));
        model.Network.Module.to(context.Device);
        return model;
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) =>
        ModelFiles.Fingerprint(ModelFiles.Resolve(paths, "diffusion_models", "unet_name", literals.Get<string>("unet_name")));
}
