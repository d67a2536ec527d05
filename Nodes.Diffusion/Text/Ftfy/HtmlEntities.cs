using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace Workflow.Nodes.Diffusion.Text.Ftfy;

/// <summary>
/// ftfy's unescape_html: HTML5 named entities that end in ';' (and upper-case forms of the lower-case ones, as
/// "&amp;EACUTE;"), and numeric character references decoded as Python's html.unescape decodes them. Anything else,
/// "&amp;not that" included, is left as written.
/// </summary>
internal static partial class HtmlEntities
{
    public static string Unescape(string text) => Entity().Replace(text, m => Decode(m.Value));

    private static string Decode(string entity)
    {
        if (FtfyTables.HtmlEntities.TryGetValue(entity, out var named))
            return named;
        if (!entity.StartsWith("&#", StringComparison.Ordinal))
            return entity;
        // html.unescape replaces the longest "&#digits;?" or "&#x hex;?" and keeps the rest; a ';' left in the result
        // (a partial match, or "&#59;" itself) means it was not one whole reference.
        var hex = entity.Length > 3 && entity[2] is 'x' or 'X';
        var digitsStart = hex ? 3 : 2;
        var digitsEnd = digitsStart;
        while (digitsEnd < entity.Length && (hex ? char.IsAsciiHexDigit(entity[digitsEnd]) : char.IsAsciiDigit(entity[digitsEnd])))
            digitsEnd++;
        if (digitsEnd == digitsStart || digitsEnd != entity.Length - 1)
            return entity;
        var value = BigInteger.Parse((hex ? "0" : "") + entity[digitsStart..digitsEnd], hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture);
        var decoded = CharacterReference(value);
        return decoded.Contains(';') ? entity : decoded;
    }

    /// <summary>Python's html._replace_charref for a number.</summary>
    private static string CharacterReference(BigInteger value)
    {
        if (value == 0)
            return "\uFFFD";
        if (value == 0x0D)
            return "\r";
        if (value >= 0x80 && value <= 0x9F)
            return Charmap.SloppyWindows1252.Decode((byte)value).ToString();   // Windows-1252, undefined bytes as themselves
        if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF)
            return "\uFFFD";
        var codepoint = (int)value;
        var invalid = codepoint is (>= 0x01 and <= 0x08) or 0x0B or (>= 0x0E and <= 0x1F) or 0x7F or (>= 0xFDD0 and <= 0xFDEF)
            || (codepoint & 0xFFFE) == 0xFFFE;
        return invalid ? "" : char.ConvertFromUtf32(codepoint);
    }

    [GeneratedRegex("&#?[0-9A-Za-z]{1,24};", RegexOptions.CultureInvariant)]
    private static partial Regex Entity();
}
