using System.Globalization;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Core.Lists;

/// <summary>
/// A list of strings, one per line of the text (blank lines skipped): a node it feeds runs once per string, so one
/// graph renders a batch of prompts, each its own image.
/// </summary>
[Node("StringList", DisplayName = "String List", Category = "utils/list",
      Description = "One string per line of the text, as a list: the nodes it feeds run once per string.")]
public sealed class StringList : INode
{
    public IReadOnlyList<string> Execute(NodeContext context, [String(Multiline = true), Input(Tooltip = "One entry per line.")] string text = "")
    {
        var lines = text.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => !string.IsNullOrWhiteSpace(line));
        var list = lines.Take(context.Limits.MaxListLength + 1).ToArray();
        if (list.Length > context.Limits.MaxListLength)
            throw new InputException("text", $"{text.Length.ToString("N0", CultureInfo.InvariantCulture)} characters",
                $"has more than {context.Limits.MaxListLength.ToString("N0", CultureInfo.InvariantCulture)} lines, the longest list a node may output");
        return list;
    }
}
