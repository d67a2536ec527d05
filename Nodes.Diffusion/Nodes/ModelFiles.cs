using System.Security.Cryptography;
using System.Text;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Serialization;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>What every loader node does with a name from a models/ folder: resolve it, fingerprint it, and report failures against its input.</summary>
internal static class ModelFiles
{
    /// <summary>
    /// The path of <paramref name="name"/> in the first folder of the kind <paramref name="folder"/> holding it (models/
    /// <paramref name="folder"/>, or the pairs of <see cref="NodePaths.ModelFolders"/>), else in models/<paramref name="folder"/>;
    /// a name that leaves its folder fails on <paramref name="input"/>.
    /// </summary>
    public static string Resolve(NodePaths paths, string folder, string input, string name)
    {
        try
        {
            var candidates = paths.ModelFolders(folder).Select(f => NodePaths.ResolveInside(f, name)).ToList();
            return candidates.FirstOrDefault(p => File.Exists(p) || Directory.Exists(p)) ?? NodePaths.ResolveInside(paths.ModelFolder(folder), name);
        }
        catch (ArgumentException ex)
        {
            throw new InputException(input, name, ex.Message);
        }
    }

    /// <summary>A file's or folder's identity (paths, sizes, modification times): a replaced model is loaded again.</summary>
    public static Fingerprint Fingerprint(string path)
    {
        if (!Directory.Exists(path))
            return NodeSdk.Fingerprint.OfFile(path);
        var identities = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => NodeSdk.Fingerprint.OfFile(f).Value);
        return NodeSdk.Fingerprint.Of(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', identities)))));
    }

    /// <summary>
    /// As <see cref="Load{T}(string, string, Func{T})"/>, with the model's parameters created in <paramref name="dtype"/>, so
    /// a checkpoint stored in it is mapped rather than copied, and another dtype converted once (see <see cref="ParameterDtype"/>).
    /// </summary>
    public static T Load<T>(string input, string name, ScalarType dtype, Func<T> load)
    {
        using var parameters = ParameterDtype.Use(dtype);
        return Load(input, name, load);
    }

    /// <summary>Runs <paramref name="load"/>; a file that is not the model it should be fails naming <paramref name="input"/> and the value.</summary>
    public static T Load<T>(string input, string name, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception ex) when (ex is SafeTensorsException or PyTorchFileException or InvalidDataException or NotSupportedException
                                       or IOException or UnauthorizedAccessException or StateDictException)
        {
            throw new InputException(input, name, ex.Message, ex);
        }
    }
}
