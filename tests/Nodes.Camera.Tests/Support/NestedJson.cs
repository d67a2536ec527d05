using System.Globalization;
using System.Text;

namespace Workflow.Nodes.Camera.Tests.Support;

internal static class NestedJson
{
    /// <summary>Row-major values as nested JSON arrays of the given shape, every double written to round-trip exactly.</summary>
    public static string Of(IReadOnlyList<double> values, IReadOnlyList<long> shape)
    {
        var sb = new StringBuilder();
        var next = 0;
        Write(sb, values, shape, 0, ref next);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, IReadOnlyList<double> values, IReadOnlyList<long> shape, int depth, ref int next)
    {
        if (depth == shape.Count)
        {
            sb.Append(values[next++].ToString("R", CultureInfo.InvariantCulture));
            return;
        }
        sb.Append('[');
        for (var i = 0; i < shape[depth]; i++)
        {
            if (i > 0)
                sb.Append(',');
            Write(sb, values, shape, depth + 1, ref next);
        }
        sb.Append(']');
    }
}
