using System.Security.Cryptography;
using Workflow.Nodes.Core.Files;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Core.Latents;

/// <summary>
/// ComfyUI's LoadLatent: a .latent file from the input folder (or "name [output]" / "[temp]"), its latent_tensor as
/// float32 latents of any rank; a file without the latent_format_version_0 marker predates ComfyUI's format change and
/// is divided by 0.18215. The file's SHA-256 is the fingerprint, so replacing it re-runs the node.
/// </summary>
[Node("LoadLatent", DisplayName = "Load Latent", Category = "_for_testing",
      Description = "Loads latents saved by SaveLatent (a .latent file in the input folder).")]
public sealed class LoadLatent : INode, IFingerprint, IValidateInputs
{
    public Latent Execute(NodeContext context, [Combo(OptionsProvider = typeof(LatentFiles))] string latent)
    {
        var path = AnnotatedFiles.Resolve(context.Paths, latent, "latent");
        try
        {
            using var file = SafeTensorsFile.Open(path);
            if (!file.Contains(LatentFile.TensorKey))
                throw new InputException("latent", latent, $"the file has no {LatentFile.TensorKey} tensor");
            using var samples = file.Load(LatentFile.TensorKey, torch.float32);
            var multiplier = file.Contains(LatentFile.FormatVersionKey) ? 1.0 : 1.0 / LatentFile.LegacyScale;
            return new Latent(samples * multiplier);
        }
        catch (Exception ex) when (ex is SafeTensorsException or IOException or UnauthorizedAccessException)
        {
            throw new InputException("latent", latent, ex.Message, ex);
        }
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths)
    {
        using var file = RegularFile.OpenRead(AnnotatedFiles.Resolve(paths, literals.Get<string>("latent"), "latent"));
        return Fingerprint.Of(Convert.ToHexString(SHA256.HashData(file)));
    }

    /// <summary>Like ComfyUI's VALIDATE_INPUTS, the file check replaces the combo check (annotated names are not in the list).</summary>
    public IReadOnlyCollection<string> ValidatedInputs => ["latent"];

    public IEnumerable<InputProblem> Validate(InputValues literals, NodePaths paths)
    {
        var name = literals.Get<string>("latent");
        try
        {
            return RegularFile.Exists(AnnotatedFiles.Resolve(paths, name, "latent")) ? [] : [new InputProblem("latent", $"Invalid latent file: {name}")];
        }
        catch (InputException ex)
        {
            return [new InputProblem("latent", ex.Message)];
        }
    }

    /// <summary>The .latent files directly in the input folder, sorted, as ComfyUI lists them.</summary>
    public sealed class LatentFiles : IComboOptions
    {
        public IReadOnlyList<string> GetOptions(NodePaths paths) => paths.Input.Length == 0 || !Directory.Exists(paths.Input)
            ? []
            : Directory.EnumerateFiles(paths.Input, "*." + LatentFile.Extension).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
    }
}
