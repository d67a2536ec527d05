using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>The dtype an LTX-2 transformer's weights are loaded in (and its forward computes in).</summary>
public enum Ltx2WeightDtype
{
    Float32,
    Bfloat16,
    Float16,
}

/// <summary>
/// Loads an LTX-2 video transformer (diffusers' LTX2VideoTransformer3DModel, video stream) from
/// models/diffusion_models/, where ComfyUI's UNETLoader looks: a diffusers transformer folder, or a weights file
/// (diffusion_pytorch_model.safetensors inside such a folder picks up the config.json beside it; a lone file's
/// configuration is read from its tensor shapes). Weights go to the host's device.
/// </summary>
[Node("LTX2TransformerLoader", DisplayName = "Load LTX-2 Transformer", Category = "loaders/video",
      Description = "Loads an LTX-2 video transformer (diffusers layout) for refining video latents.")]
public sealed class Ltx2TransformerLoader : INode, IFingerprint
{
    public Ltx2Model Execute(NodeContext context,
        [Combo(ModelFolder = "diffusion_models"), Input(Tooltip = "The transformer: a folder with config.json, or its weights file.")] string unetName,
        [Input(Tooltip = "float32 as diffusers loads by default; bfloat16 or float16 halve the memory.")] Ltx2WeightDtype weightDtype = Ltx2WeightDtype.Float32)
    {
        var path = ModelFiles.Resolve(context.Paths, "diffusion_models", "unet_name", unetName);
        var dtype = weightDtype switch
        {
            Ltx2WeightDtype.Bfloat16 => torch.bfloat16,
            Ltx2WeightDtype.Float16 => torch.float16,
            _ => torch.float32,
        };
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
