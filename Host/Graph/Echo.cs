using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflow.Host.Graph;

/// <summary>
/// Bounded copies of user input for error messages: a message names the value it refuses, but a megabyte string or
/// a value nested sixty levels deep must not come back whole (an error body would outgrow the request, and a
/// nested value echoed inside the error JSON could pass the writer's depth limit).
/// </summary>
public static class Echo
{
    /// <summary>Longest text echoed whole; longer text keeps its start and says how long it was.</summary>
    public const int MaxTextLength = 200;

    /// <summary>Deepest JSON echoed as JSON; deeper values are echoed as shortened text.</summary>
    public const int MaxJsonDepth = 8;

    /// <summary>Longest message (a node's exception, say) passed on whole; it may quote a whole input.</summary>
    public const int MaxMessageLength = 2000;

    /// <summary>The text itself when short, else its first characters and its length; control characters made visible.</summary>
    public static string Text(string text, int maxLength = MaxTextLength)
    {
        var shown = text.Length <= maxLength ? text : text[..Boundary(text, maxLength)];
        var visible = Visible(shown);
        return shown.Length == text.Length ? visible : $"{visible}… ({Count(text.Length)} characters)";
    }

    /// <summary>A count as a reader takes it in: 49,981.</summary>
    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A JSON value as it may appear inside an error's JSON: itself when small and shallow, else its shortened text.</summary>
    public static JsonNode? Json(JsonElement value)
    {
        var raw = value.GetRawText();
        return raw.Length <= MaxTextLength && DepthOf(value) <= MaxJsonDepth ? JsonNode.Parse(raw) : JsonValue.Create(Text(raw));
    }

    /// <summary>A JSON value for a message: strings as their text, anything else as JSON text, shortened.</summary>
    public static string Display(JsonElement value) => Text(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());

    /// <summary>Control characters but line breaks and tabs (a terminal would act on them) as <c>\uXXXX</c>; the rest as is.</summary>
    public static string Visible(string text)
    {
        if (!text.Any(IsHidden))
            return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
            builder.Append(IsHidden(c) ? $"\\u{(int)c:x4}" : c);
        return builder.ToString();
    }

    private static bool IsHidden(char c) => char.IsControl(c) && c is not ('\n' or '\t');

    /// <summary>A cut that does not split a surrogate pair.</summary>
    private static int Boundary(string text, int length) => char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;

    /// <summary>Depth of a parsed value (the parser already bounds it, so recursion is shallow).</summary>
    private static int DepthOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => 1 + value.EnumerateObject().Select(p => DepthOf(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + value.EnumerateArray().Select(DepthOf).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
