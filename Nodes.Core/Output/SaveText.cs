using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Core.Output;

public enum TextFormat
{
    Text,
    Json,
}

/// <summary>
/// Writes any value to a file in the output folder ("{prefix}_00001_.txt" or ".json") and shows it.
/// JSON wraps the value with the node's id: <c>{"node": "7", "value": ...}</c>.
/// </summary>
[Node("SaveText", DisplayName = "Save Text", Category = "utils", OutputNode = true,
      Description = "Writes a value to a text or JSON file in the output folder.")]
public sealed class SaveText : INode
{
    public UiOutput Execute(NodeContext context, object value, string filenamePrefix = "workflow", TextFormat format = TextFormat.Text)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        OutputFileNames.Target target;
        try
        {
            target = OutputFileNames.Resolve(context.Paths.Output, filenamePrefix);
        }
        catch (ArgumentException ex)
        {
            throw new InputException("filename_prefix", filenamePrefix, ex.Message);
        }
        var (stream, fileName, _) = OutputFileNames.CreateNext(target, target.Counter, format == TextFormat.Json ? "json" : "txt");
        using (stream)
            stream.Write(Encoding.UTF8.GetBytes(format == TextFormat.Json ? AsJson(context.NodeId, value) : text));
        return new UiOutput()
            .Add("text", new JsonArray(text))
            .AddFile("files", fileName, target.Subfolder, "output");
    }

    private static string AsJson(string nodeId, object value) =>
        new JsonObject { ["node"] = nodeId, ["value"] = JsonSerializer.SerializeToNode(value) }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
