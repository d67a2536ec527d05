using System.Globalization;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Core.Lists;

/// <summary>
/// Joins a whole list of strings into one (it takes its inputs as lists, ComfyUI's INPUT_IS_LIST, so it runs once for
/// the list rather than once per string). The delimiter is the first of its list.
/// </summary>
[Node("StringJoin", DisplayName = "Join Strings", Category = "utils/list", InputIsList = true,
      Description = "Joins a list of strings into one string, with a delimiter between them.")]
public sealed class StringJoin : INode
{
    public string Execute(NodeContext context, IReadOnlyList<string> strings, IReadOnlyList<string>? delimiter = null)
    {
        var separator = delimiter is { Count: > 0 } ? delimiter[0] : "\n";
        var length = strings.Sum(s => (long)s.Length) + (long)separator.Length * System.Math.Max(0, strings.Count - 1);
        if (length > context.Limits.MaxStringLength)
            throw new InputException("strings", $"{strings.Count.ToString("N0", CultureInfo.InvariantCulture)} strings",
                $"joined they would be {length.ToString("N0", CultureInfo.InvariantCulture)} characters, longer than the limit of " +
                $"{context.Limits.MaxStringLength.ToString("N0", CultureInfo.InvariantCulture)}");
        return string.Join(separator, strings);
    }
}
