using System.Globalization;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Core.Text;

// String nodes with ComfyUI's names and inputs (comfy_extras/nodes_string.py).

[Node("StringConcatenate", DisplayName = "Concatenate", Category = "utils/string")]
public sealed class StringConcatenate : INode
{
    public string Execute([String(Multiline = true)] string stringA = "", [String(Multiline = true)] string stringB = "", string delimiter = "")
        => string.Concat(stringA, delimiter, stringB);
}

[Node("StringReplace", DisplayName = "Replace", Category = "utils/string")]
public sealed class StringReplace : INode
{
    public string Execute([String(Multiline = true)] string @string = "", [String(Multiline = true)] string find = "", [String(Multiline = true)] string replace = "")
        => find.Length == 0 ? @string : @string.Replace(find, replace, StringComparison.Ordinal);
}

/// <summary>Any value as text: numbers in invariant culture, everything else by its ToString.</summary>
[Node("ValueToString", DisplayName = "To String", Category = "utils/string")]
public sealed class ValueToString : INode
{
    public string Execute(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
