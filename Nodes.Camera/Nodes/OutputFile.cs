using Workflow.NodeSdk;

namespace Workflow.Nodes.Camera.Nodes;

/// <summary>A file written to the output folder under ComfyUI's naming, as an output node's UI reports it.</summary>
internal sealed record OutputFile(string FileName, string Subfolder)
{
    /// <summary>Writes "{prefix}_{counter:05}_.{extension}"; a prefix leading outside the output folder is an input error.</summary>
    public static OutputFile Write(NodeContext context, string filenamePrefix, string extension, byte[] content, int width = 0, int height = 0)
    {
        var target = InputErrors.Run("filename_prefix", filenamePrefix,
            () => OutputFileNames.Resolve(context.Paths.Output, filenamePrefix, width, height));
        var (stream, fileName, _) = OutputFileNames.CreateNext(target, target.Counter, extension);
        using (stream)
            stream.Write(content);
        return new OutputFile(fileName, target.Subfolder);
    }
}
