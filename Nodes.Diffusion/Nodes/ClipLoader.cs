using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>The model a CLIPLoader file is for (ComfyUI's CLIPType): the recipes this host runs.</summary>
public enum ClipLoaderType
{
    /// <summary>SD1.x: CLIP-L.</summary>
    [WireName("stable_diffusion")] StableDiffusion,

    /// <summary>SD3: one of CLIP-L, CLIP-G and T5-XXL; refused alone (TripleCLIPLoader takes the three).</summary>
    [WireName("sd3")] Sd3,
}

/// <summary>Where the text encoder runs: the host's device, or the CPU (ComfyUI's device input).</summary>
public enum ClipLoaderDevice
{
    [WireName("default")] Default,
    [WireName("cpu")] Cpu,
}

/// <summary>
/// ComfyUI's CLIPLoader: one text encoder from models/text_encoders/ (or models/clip/), for the model <c>type</c> names.
/// stable_diffusion: a CLIP-L text tower in transformers' keys under any prefix (clip_l.safetensors, a text_encoder's
/// model.safetensors or pytorch_model.bin), its tokenizer looked up as a single-file checkpoint's (&lt;stem&gt;.tokenizer/,
/// models/tokenizers/clip_l/, else the bundled vocabulary). sd3 needs CLIP-L and CLIP-G together here, so one file
/// alone is refused naming the type.
/// </summary>
[Node("CLIPLoader", DisplayName = "Load CLIP", Category = "advanced/loaders",
      Description = "[Recipes]\n\nstable_diffusion: clip-l\nsd3: t5 xxl / clip-g / clip-l (here: TripleCLIPLoader)")]
public sealed class ClipLoader : INode, IFingerprint
{
    public IClip Execute(NodeContext context,
        [Combo(ModelFolder = "text_encoders"), Input(Tooltip = "The text encoder file to load.")] string clipName,
        [Input(Tooltip = "The model the text encoder is for.")] ClipLoaderType type = ClipLoaderType.StableDiffusion,
        [Input(Tooltip = "cpu keeps the text encoder on the CPU.")] ClipLoaderDevice? device = null,
        [Input(Tooltip = WeightDtypes.Tooltip)] WeightDtype? weightDtype = WeightDtype.Default)
    {
        var target = device == ClipLoaderDevice.Cpu ? Device.CPU : context.Device;
        var dtype = weightDtype.Resolve(context, target);
        var path = ModelFiles.Resolve(context.Paths, "text_encoders", "clip_name", clipName);
        if (type == ClipLoaderType.Sd3)
            throw new InputException("type", "sd3",
                "SD3 here encodes with CLIP-L and CLIP-G together (T5 optional), not one encoder alone: load them with TripleCLIPLoader");
        var clip = ModelFiles.Load("clip_name", clipName, dtype,
            () => ClipTextCheckpoint.Load(path, [TokenizerFolders.ClipL(context.Paths)]));
        clip.To(target, dtype);
        return clip;
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) =>
        ModelFiles.Fingerprint(ModelFiles.Resolve(paths, "text_encoders", "clip_name", literals.Get<string>("clip_name")));
}
