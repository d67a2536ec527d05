using System.Globalization;
using System.Text;

namespace Workflow.Nodes.Diffusion.Text;

/// <summary>Python's str behaviour where tokenizers depend on it: <c>str.lower()</c> and <c>re.sub(r"\s+", " ", s).strip()</c>.</summary>
internal static class PythonText
{
    /// <summary>
    /// Python's <c>str.lower()</c>: full Unicode lowercase mapping, so U+0130 (İ) becomes "i" + U+0307 and a capital
    /// sigma ending a word becomes final sigma (ς); .NET's ToLowerInvariant does neither.
    /// </summary>
    public static string Lower(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\u0130')
                sb.Append("i\u0307");
            else if (c == '\u03A3')
                sb.Append(IsFinalSigma(text, i) ? '\u03C2' : '\u03C3');
            else
                sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>CLIP's whitespace_clean: runs of Python whitespace become one space, then the ends are stripped.</summary>
    public static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool inSpace = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsWhitespace(rune))
            {
                inSpace = true;
                continue;
            }
            if (inSpace && sb.Length > 0)
                sb.Append(' ');
            inSpace = false;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    /// <summary>Python's <c>str.isspace()</c>: Unicode separators plus the ASCII controls \t\n\v\f\r and \x1c-\x1f, \x85.</summary>
    public static bool IsWhitespace(Rune rune) =>
        rune.Value is (>= 0x09 and <= 0x0D) or (>= 0x1C and <= 0x1F) or 0x85
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorables) and none after.</summary>
    private static bool IsFinalSigma(string text, int index)
    {
        int before = index - 1;
        while (before >= 0 && IsCaseIgnorable(text[before])) before--;
        int after = index + 1;
        while (after < text.Length && IsCaseIgnorable(text[after])) after++;
        return before >= 0 && IsCased(text[before]) && !(after < text.Length && IsCased(text[after]));
    }

    private static bool IsCased(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(char c) =>
        c is '\'' or '.' or ':' or '\u00B7' or '\u2019' or '\u2027'
        || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}
