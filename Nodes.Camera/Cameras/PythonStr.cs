using System.Globalization;
using System.Text;

namespace Workflow.Nodes.Camera.Cameras;

/// <summary>The few Python str behaviours the action-string grammar depends on, so a string is accepted or refused as upstream does.</summary>
internal static class PythonStr
{
    /// <summary>Python's <c>"".join(text.split())</c>: removes Unicode whitespace, which for Python also includes \x1c–\x1f.</summary>
    public static string RemoveWhitespace(string text) =>
        string.Concat(text.Where(c => !char.IsWhiteSpace(c) && c is not (>= '\x1c' and <= '\x1f')));

    /// <summary>
    /// Python's <c>str.isdigit()</c>: non-empty and every character a digit of Unicode Numeric_Type Decimal or Digit
    /// (so '²' and '٣' count, '½' does not).
    /// </summary>
    public static bool IsDigit(string text)
    {
        if (text.Length == 0)
            return false;
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
            if (CharUnicodeInfo.GetDigitValue(text, i) < 0)
                return false;
        return true;
    }

    /// <summary>
    /// Python's <c>int(text)</c> for a string <see cref="IsDigit"/> accepted: the value when every character is a
    /// decimal digit of any script ('٣' is 3), null where int() raises ('²' is a digit but not decimal).
    /// Values beyond <paramref name="max"/> are clamped to max + 1, which callers refuse anyway.
    /// </summary>
    public static long? ParseDecimal(string text, long max)
    {
        var value = 0L;
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            var digit = CharUnicodeInfo.GetDecimalDigitValue(text, i);
            if (digit < 0)
                return null;
            value = Math.Min(value * 10 + digit, max + 1);
        }
        return value;
    }

    /// <summary>Python's <c>repr(str)</c>: single quotes unless the text holds ' and no ", escaping what is not printable.</summary>
    public static string Repr(string text)
    {
        var quote = text.Contains('\'') && !text.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (var rune in text.EnumerateRunes())
            sb.Append(Escape(rune, quote));
        return sb.Append(quote).ToString();
    }

    /// <summary>Python's repr of a list of str: <c>['q', 'x']</c>.</summary>
    public static string ListRepr(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Repr)) + "]";

    private static string Escape(Rune rune, char quote) => rune.Value switch
    {
        '\\' => @"\\",
        '\t' => @"\t",
        '\n' => @"\n",
        '\r' => @"\r",
        _ when rune.Value == quote => "\\" + quote,
        _ when IsPrintable(rune) => rune.ToString(),
        < 0x100 => $"\\x{rune.Value:x2}",
        < 0x10000 => $"\\u{rune.Value:x4}",
        _ => $"\\U{rune.Value:x8}",
    };

    /// <summary>Python's str.isprintable for one character: not Other (Cc, Cf, Cs, Co, Cn) nor a separator other than space.</summary>
    private static bool IsPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) is not (
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
        or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
        or UnicodeCategory.ParagraphSeparator);
}
