using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.NodeSdk;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// Loads a learned latent upscaler from models/latent_upscale_models/ (ComfyUI's folder and node name for them):
/// stabilityai/sd-x2-latent-upscaler's diffusers folder, or a single file with its unet.* and text_encoder.* weights.
/// </summary>
[Node("LatentUpscaleModelLoader", DisplayName = "Load Latent Upscale Model", Category = "loaders",
      Description = "Loads a model that upscales latents (sd-x2-latent-upscaler), for LatentUpscale's upscale_model.")]
public sealed class LatentUpscaleModelLoader : INode, IFingerprint
{
    private const string Folder = "latent_upscale_models";

    public LatentUpscaleModel Execute(NodeContext context,
        [Combo(ModelFolder = Folder), Input(Tooltip = "The upscaler: a diffusers folder (unet/, text_encoder/, tokenizer/, scheduler/) or a single file.")] string modelName,
        [Input(Tooltip = WeightDtypes.Tooltip)] WeightDtype? weightDtype = WeightDtype.Default)
    {
        var dtype = weightDtype.Resolve(context, context.Device);
        var path = ModelFiles.Resolve(context.Paths, Folder, "model_name", modelName);
        var model = ModelFiles.Load("model_name", modelName, dtype,
            () => LatentUpscalerCheckpoint.Load(path, [TokenizerFolders.ClipL(context.Paths)]));
        model.To(context.Device, dtype);
        return model;
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) =>
        ModelFiles.Fingerprint(ModelFiles.Resolve(paths, Folder, "model_name", literals.Get<string>("model_name")));
}
