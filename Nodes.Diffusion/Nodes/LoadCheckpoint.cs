using System.Security.Cryptography;
using System.Text;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.NodeSdk;
using Workflow.Torch.IO;
using Workflow.Torch.Serialization;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// Loads a Stable Diffusion checkpoint from models/checkpoints: a single file in the original layout (safetensors, or a
/// PyTorch pickle such as a .ckpt, read weights-only), or a diffusers folder. ComfyUI's CheckpointLoaderSimple under
/// another name; the same input name (ckpt_name). A single file's tokenizer (which it does not contain) is read from
/// &lt;stem&gt;.tokenizer/ beside it, else models/tokenizers/clip_l/.
/// </summary>
[Node("LoadCheckpoint", Aliases = ["CheckpointLoaderSimple"], DisplayName = "Load Checkpoint", Category = "loaders",
      Description = "Loads a diffusion model checkpoint; diffusion models denoise latents.")]
public sealed class LoadCheckpoint : INode, IFingerprint
{
    public sealed record Outputs(DiffusionModel Model, ClipModel Clip, VaeModel Vae) : INodeOutputs;

    public Outputs Execute(NodeContext context,
        [Combo(ModelFolder = "checkpoints"), Input(Tooltip = "The checkpoint (file or diffusers folder) to load.")] string ckptName)
    {
        var path = Resolve(context.Paths, ckptName);
        try
        {
            var loaded = CheckpointLoader.Load(path, [Path.Combine(context.Paths.Models, "tokenizers", "clip_l")]).To(context.Device);
            return new Outputs(loaded.Model, loaded.Clip, loaded.Vae);
        }
        catch (Exception ex) when (ex is SafeTensorsException or PyTorchFileException or InvalidDataException or NotSupportedException
                                       or FileNotFoundException or Workflow.Torch.Modules.StateDictException)
        {
            throw new InputException("ckpt_name", ckptName, ex.Message, ex);
        }
    }

    /// <summary>A file's or folder's identity (paths, sizes, modification times): a replaced checkpoint is loaded again.</summary>
    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths)
    {
        var path = Resolve(paths, literals.Get<string>("ckpt_name"));
        if (!Directory.Exists(path))
            return Fingerprint.OfFile(path);
        var identities = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => Fingerprint.OfFile(f).Value);
        return Fingerprint.Of(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', identities)))));
    }

    private static string Resolve(NodePaths paths, string name)
    {
        try
        {
            return NodePaths.ResolveInside(paths.ModelFolder("checkpoints"), name);
        }
        catch (ArgumentException ex)
        {
            throw new InputException("ckpt_name", name, ex.Message);
        }
    }
}
