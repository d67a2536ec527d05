using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// Loads an LTX-2 video transformer (diffusers' LTX2VideoTransformer3DModel, video stream) from
/// models/diffusion_models/, where ComfyUI's UNETLoader looks: a diffusers transformer folder, or a weights file
/// (diffusion_pytorch_model.safetensors inside such a folder picks up the config.json beside it; a lone file's
/// configuration is read from its tensor shapes). Weights go to the host's device; weight_dtype default is the host's
/// precision, but bf16 where that would be fp16, in which LTX-2 is not run (ComfyUI's supported_inference_dtypes for it: bf16, fp32).
/// </summary>
[Node("LTX2TransformerLoader", DisplayName = "Load LTX-2 Transformer", Category = "loaders/video",
      Description = "Loads an LTX-2 video transformer (diffusers layout) for refining video latents.")]
public sealed class Ltx2TransformerLoader : INode, IFingerprint
{
    public Ltx2Model Execute(NodeContext context,
        [Combo(ModelFolder = "diffusion_models"), Input(Tooltip = "The transformer: a folder with config.json, or its weights file.")] string unetName,
        [Input(Tooltip = "The dtype to compute in: default follows the host's --precision (fp32 on the CPU), bf16 instead of fp16.")] WeightDtype? weightDtype = WeightDtype.Default)
    {
        var dtype = weightDtype.Resolve(context, context.Device, defaults: [ScalarType.BFloat16, ScalarType.Float32]);
        var path = ModelFiles.Resolve(context.Paths, "diffusion_models", "unet_name", unetName);
        var transformer = ModelFiles.Load("unet_name", unetName, () => LTX2TransformerCheckpoint.Load(path, dtype).to(context.Device));
        return new Ltx2Model(transformer);
    }

    /// <summary>The weights and the configuration that may sit beside them: replacing either loads again.</summary>
    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths)
    {
        var path = ModelFiles.Resolve(paths, "diffusion_models", "unet_name", literals.Get<string>("unet_name"));
        if (Directory.Exists(path))
            return ModelFiles.Fingerprint(path);
        var folder = Path.GetDirectoryName(path)!;
        return Fingerprint.Of(string.Join("\n", new[] { path, Path.ChangeExtension(path, ".json"), Path.Combine(folder, "config.json") }
            .Select(f => Fingerprint.OfFile(f).Value)));
    }
}
