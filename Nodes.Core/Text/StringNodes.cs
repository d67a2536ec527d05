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

/// <summary>Replaces every occurrence; a result longer than the host's string limit is refused before it is built.</summary>
[Node("StringReplace", DisplayName = "Replace", Category = "utils/string")]
public sealed class StringReplace : INode
{
    public string Execute(NodeContext context, [String(Multiline = true)] string @string = "", [String(Multiline = true)] string find = "", [String(Multiline = true)] string replace = "")
    {
        if (find.Length == 0)
            return @string;
        var length = @string.Length + (long)Occurrences(@string, find) * (replace.Length - find.Length);
        if (length > context.Limits.MaxStringLength)
            throw new InputException("replace", $"{replace.Length} characters",
                $"the result would be {length.ToString("N0", CultureInfo.InvariantCulture)} characters, longer than the limit of " +
                $"{context.Limits.MaxStringLength.ToString("N0", CultureInfo.InvariantCulture)}");
        return @string.Replace(find, replace, StringComparison.Ordinal);
    }

    /// <summary>Non-overlapping occurrences, counted as Replace finds them.</summary>
    private static int Occurrences(string text, string find)
    {
        int count = 0;
        for (int at = text.IndexOf(find, StringComparison.Ordinal); at >= 0; at = text.IndexOf(find, at + find.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}

/// <summary>Any value as text: numbers in invariant culture, everything else by its ToString.</summary>
[Node("ValueToString", DisplayName = "To String", Category = "utils/string")]
public sealed class ValueToString : INode
{
    public string Execute(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
