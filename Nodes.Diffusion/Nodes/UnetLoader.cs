using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>The dtype UNETLoader stores the weights in: ComfyUI's options (the fp8 ones are refused), and fp32, fp16 and bf16.</summary>
public enum UnetWeightDtype
{
    [WireName("default")] Default,
    [WireName("fp8_e4m3fn")] Fp8E4m3fn,
    [WireName("fp8_e4m3fn_fast")] Fp8E4m3fnFast,
    [WireName("fp8_e5m2")] Fp8E5m2,
    [WireName("fp32")] Fp32,
    [WireName("fp16")] Fp16,
    [WireName("bf16")] Bf16,
}

/// <summary>
/// ComfyUI's UNETLoader: a diffusion model on its own from models/diffusion_models/ (or models/unet/), an SD1.x/SD2.x
/// UNet in LDM's names (<see cref="UnetCheckpoint"/>), as safetensors or a pickle. weight_dtype "default" follows the
/// host's --precision, as the other loaders' default; the fp8 storage options are refused (no fp8 kernels here).
/// </summary>
[Node("UNETLoader", DisplayName = "Load Diffusion Model", Category = "advanced/loaders",
      Description = "Loads a diffusion model (UNet) file without VAE or text encoder.")]
public sealed class UnetLoader : INode, IFingerprint
{
    public DiffusionModel Execute(NodeContext context,
        [Combo(ModelFolder = "diffusion_models"), Input(Tooltip = "The diffusion model file to load.")] string unetName,
        [Input(Tooltip = "The dtype to store the weights in and compute in; default follows the host's --precision (fp16 on CUDA, fp32 on the CPU).")] UnetWeightDtype weightDtype = UnetWeightDtype.Default)
    {
        var dtype = (weightDtype switch
        {
            UnetWeightDtype.Default => (WeightDtype?)WeightDtype.Default,
            UnetWeightDtype.Fp32 => WeightDtype.Fp32,
            UnetWeightDtype.Fp16 => WeightDtype.Fp16,
            UnetWeightDtype.Bf16 => WeightDtype.Bf16,
            _ => throw new InputException("weight_dtype", ComfyNames.Of(weightDtype),
                "fp8 weight storage is not supported here (no fp8 kernels): choose default, fp32, fp16 or bf16"),
        }).Resolve(context, context.Device);
        var path = ModelFiles.Resolve(context.Paths, "diffusion_models", "unet_name", unetName);
        var model = ModelFiles.Load("unet_name", unetName, () => UnetCheckpoint.Load(path));
        model.Network.Module.to(context.Device, dtype);
        return model;
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) =>
        ModelFiles.Fingerprint(ModelFiles.Resolve(paths, "diffusion_models", "unet_name", literals.Get<string>("unet_name")));
}
