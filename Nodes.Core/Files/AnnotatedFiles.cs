using Workflow.NodeSdk;

namespace Workflow.Nodes.Core.Files;

/// <summary>
/// ComfyUI's annotated file names (folder_paths.get_annotated_filepath), as loaders take them: "name" in input/, or
/// "name [output]" / "name [temp]" / "name [input]" in that folder; never outside it.
/// </summary>
internal static class AnnotatedFiles
{
    /// <summary>The path <paramref name="name"/> stands for; a name that leaves its folder fails on <paramref name="input"/>.</summary>
    public static string Resolve(NodePaths paths, string name, string input)
    {
        var (folder, file) = name switch
        {
            _ when name.EndsWith(" [output]", StringComparison.Ordinal) => (paths.Output, name[..^" [output]".Length]),
            _ when name.EndsWith(" [temp]", StringComparison.Ordinal) => (paths.Temp, name[..^" [temp]".Length]),
            _ when name.EndsWith(" [input]", StringComparison.Ordinal) => (paths.Input, name[..^" [input]".Length]),
            _ => (paths.Input, name),
        };
        try
        {
            return NodePaths.ResolveInside(folder, file);
        }
        catch (ArgumentException ex)
        {
            throw new InputException(input, name, ex.Message);
        }
    }
}
