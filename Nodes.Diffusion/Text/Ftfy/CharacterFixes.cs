using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;

namespace Workflow.Nodes.Diffusion.Text.Ftfy;

/// <summary>ftfy's character-level fixes (ftfy/fixes.py, 6.3), each one a step of <see cref="TextFixer.FixText"/>.</summary>
internal static partial class CharacterFixes
{
    public static bool HasC1Controls(string text) => C1Control().IsMatch(text);

    /// <summary>C1 controls read as the Windows-1252 characters they stand for, as browsers do (undefined ones stay).</summary>
    public static string FixC1Controls(string text) =>
        C1Control().Replace(text, m => Charmap.SloppyWindows1252.Decode((byte)m.Value[0]).ToString());

    /// <summary>Latin ligatures and legacy digraphs split into their letters (ﬁ → fi, Ĳ → IJ); æ and œ stay.</summary>
    public static string FixLatinLigatures(string text) => Translate(text, Ligatures);

    /// <summary>Fullwidth and halfwidth forms to their usual width (ＡＢＣ → ABC, ｶ → カ), the ideographic space to a space.</summary>
    public static string FixCharacterWidth(string text) => Translate(text, Widths);

    /// <summary>Curly quotes, and the modifier-letter apostrophe, straightened.</summary>
    public static string UncurlQuotes(string text) => SingleQuote().Replace(DoubleQuote().Replace(text, "\""), "'");

    /// <summary>CRLF, CR, U+2028, U+2029 and NEL become "\n".</summary>
    public static string FixLineBreaks(string text) =>
        text.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u2028', '\n').Replace('\u2029', '\n').Replace('\u0085', '\n');

    /// <summary>A UTF-16 surrogate not part of a pair becomes U+FFFD (pairs are already one character here).</summary>
    public static string FixSurrogates(string text)
    {
        if (!text.Any(char.IsSurrogate))
            return text;
        var fixedText = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                fixedText.Append(text[i]).Append(text[++i]);
            else
                fixedText.Append(char.IsSurrogate(text[i]) ? '\uFFFD' : text[i]);
        }
        return fixedText.ToString();
    }

    /// <summary>ANSI terminal escapes (colours and cursor codes) removed.</summary>
    public static string RemoveTerminalEscapes(string text) => TerminalEscape().Replace(text, "");

    /// <summary>
    /// Controls with no visible effect removed: C0 controls other than tab, line feed, form feed and carriage return,
    /// DEL, the deprecated Arabic format controls, the byte-order mark, interlinear annotation and the object
    /// replacement character. C1 controls, joiners, direction marks and tag characters stay.
    /// </summary>
    public static string RemoveControlChars(string text)
    {
        if (!text.Any(IsRemovedControl))
            return text;
        return string.Concat(text.Where(c => !IsRemovedControl(c)));
    }

    private static bool IsRemovedControl(char c) =>
        c is (>= '\u0000' and <= '\u0008') or '\u000B' or (>= '\u000E' and <= '\u001F') or '\u007F'
            or (>= '\u206A' and <= '\u206F') or '\uFEFF' or (>= '\uFFF9' and <= '\uFFFC');

    private static readonly FrozenDictionary<char, string> Ligatures = new Dictionary<char, string>
    {
        ['Ĳ'] = "IJ", ['ĳ'] = "ij",
        ['ŉ'] = "\u02BCn",   // Afrikaans: kept apart from an apostrophe that would be curled
        ['Ǳ'] = "DZ", ['ǲ'] = "Dz", ['ǳ'] = "dz", ['Ǆ'] = "DŽ", ['ǅ'] = "Dž", ['ǆ'] = "dž",
        ['Ǉ'] = "LJ", ['ǈ'] = "Lj", ['ǉ'] = "lj", ['Ǌ'] = "NJ", ['ǋ'] = "Nj", ['ǌ'] = "nj",
        ['ﬀ'] = "ff", ['ﬁ'] = "fi", ['ﬂ'] = "fl", ['ﬃ'] = "ffi", ['ﬄ'] = "ffl", ['ﬅ'] = "ſt", ['ﬆ'] = "st",
    }.ToFrozenDictionary();

    /// <summary>U+3000 and every character of U+FF01–U+FFEF that compatibility normalization changes.</summary>
    private static readonly FrozenDictionary<char, string> Widths = Enumerable.Range(0xFF01, 0xFFF0 - 0xFF01)
        .Select(c => ((char)c, ((char)c).ToString().Normalize(NormalizationForm.FormKC)))
        .Where(p => p.Item2 != p.Item1.ToString())
        .Append(('\u3000', " "))
        .ToFrozenDictionary(p => p.Item1, p => p.Item2);

    private static string Translate(string text, FrozenDictionary<char, string> map)
    {
        if (!text.Any(map.ContainsKey))
            return text;
        var translated = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (map.TryGetValue(c, out var replacement))
                translated.Append(replacement);
            else
                translated.Append(c);
        }
        return translated.ToString();
    }

    [GeneratedRegex("[\u0080-\u009F]", RegexOptions.CultureInvariant)]
    private static partial Regex C1Control();

    [GeneratedRegex("[\u02BC\u2018-\u201B]", RegexOptions.CultureInvariant)]
    private static partial Regex SingleQuote();

    [GeneratedRegex("[\u201C-\u201F]", RegexOptions.CultureInvariant)]
    private static partial Regex DoubleQuote();

    [GeneratedRegex(@"\u001B\[((?:\d|;)*)([a-zA-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex TerminalEscape();
}
