using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Cameras;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Camera.Nodes;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>Camera-to-world poses given as JSON text, or read from a .json or .npy file in the input folder.</summary>
[Node("CameraFromPoses", DisplayName = "Camera From Poses", Category = "camera",
      Description = "Poses as an [F][4][4] array of camera-to-world matrices, or a camera file SaveCamera wrote "
                    + "(which carries its own convention and intrinsics). JSON text in 'poses', or a .json / .npy (F, 4, 4) file in 'file'.")]
public sealed class CameraFromPoses : INode, IValidateInputs, IFingerprint
{
    public Camera Execute(
        NodeContext context,
        [String(Multiline = true), Input(Tooltip = "[[[r00, r01, r02, tx], ..., [0, 0, 0, 1]], ...] or a SaveCamera file's text.")] string poses = "",
        [Input(Tooltip = "A .json or .npy file in the input folder, instead of 'poses'.")] string file = "",
        [Input(Tooltip = "Axes of a bare pose array; a camera file names its own.")] CameraConvention convention = CameraConvention.OpenCv,
        [Input(Tooltip = "Intrinsics for every pose; longer ones are cut to the trajectory.")] CameraIntrinsics? intrinsics = null)
    {
        var camera = (poses.Trim().Length > 0, file.Trim().Length > 0) switch
        {
            (true, false) => InputErrors.Run("poses", poses, () => CameraJson.Read(poses, convention)),
            (false, true) => InputErrors.Run("file", file, () => ReadFile(context.Paths, file, convention)),
            _ => throw InputErrors.Refusal("poses", poses, OneSourceProblem),
        };
        return InputErrors.Run("intrinsics", intrinsics, () => camera.AttachIntrinsics(intrinsics ?? camera.Intrinsics));
    }

    public IEnumerable<InputProblem> Validate(InputValues literals, NodePaths paths)
    {
        var (poses, file) = (literals.GetOrDefault<string>("poses")?.Trim() ?? "", literals.GetOrDefault<string>("file")?.Trim() ?? "");
        var bothEmptyLiterals = poses.Length == 0 && file.Length == 0 && literals.Contains("poses") && literals.Contains("file");
        if (poses.Length > 0 && file.Length > 0 || bothEmptyLiterals)
            return [new InputProblem("poses", OneSourceProblem)];
        var convention = literals.GetOrDefault<CameraConvention>("convention");
        if (poses.Length > 0)
            return InputErrors.Check<string>(literals, "poses", text => CameraJson.Read(text, convention));
        return file.Length > 0 ? InputErrors.Check<string>(literals, "file", name => ReadFile(paths, name, convention)) : [];
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths)
    {
        var name = literals.GetOrDefault<string>("file")?.Trim() ?? "";
        if (name.Length == 0)
            return Fingerprint.Of("");
        try
        {
            return Fingerprint.OfFile(FilePath(paths, name));
        }
        catch (ArgumentException)
        {
            return Fingerprint.Of(name);   // a name outside the input folder: validation and Execute report it
        }
    }

    private const string OneSourceProblem = "give the poses either as JSON text in 'poses' or as a file in 'file', exactly one of them";

    /// <summary>100,000 frames (the action strings' bound) of float64 poses are 13 MB as .npy, under 64 MB as JSON.</summary>
    private const long MaxFileBytes = 64 << 20;

    /// <summary>Read at validation too, so only a regular file is opened: a FIFO would hold up the request that names it.</summary>
    private static Camera ReadFile(NodePaths paths, string name, CameraConvention convention)
    {
        var path = FilePath(paths, name);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FormatException($"no such file in the input folder: {path}");
        try
        {
            return Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".json" => CameraJson.Read(RegularFile.ReadAllText(path, MaxFileBytes), convention),
                ".npy" => new Camera(convention, PoseArrays.ToPoses(NpyReader.Read(RegularFile.ReadAllBytes(path, MaxFileBytes)))),
                var other => throw new NotSupportedException($"'{other}' files are not read; give a .json or an .npy file"),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    private static string FilePath(NodePaths paths, string name) => NodePaths.ResolveInside(paths.Input, name.Trim());
}
