using System.Globalization;
using System.Text;

namespace Workflow.Nodes.Diffusion.Text;

/// <summary>
/// Splits cleaned text the way CLIP's regex does
/// (<c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>, IGNORECASE),
/// walking code points rather than UTF-16 units so letters outside the BMP stay letters as in Python.
/// </summary>
internal static class ClipPreTokenizer
{
    private static readonly string[] Literals = ["<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    public static IEnumerable<string> Split(string text)
    {
        int i = 0;
        while (i < text.Length)
        {
            var literal = Literals.FirstOrDefault(l => string.Compare(text, i, l, 0, l.Length, StringComparison.OrdinalIgnoreCase) == 0);
            if (literal is not null)
            {
                yield return text.Substring(i, literal.Length);
                i += literal.Length;
                continue;
            }
            var kind = KindAt(text, i);
            int start = i;
            i += char.IsSurrogatePair(text, i) ? 2 : 1;
            if (kind == Kind.Space)
                continue;
            if (kind != Kind.Number)   // letters and others run on; numbers are one character each
                while (i < text.Length && KindAt(text, i) == kind)
                    i += char.IsSurrogatePair(text, i) ? 2 : 1;
            yield return text[start..i];
        }
    }

    private enum Kind { Letter, Number, Space, Other }

    private static Kind KindAt(string text, int index)
    {
        var rune = Rune.GetRuneAt(text, index);
        if (PythonText.IsWhitespace(rune))
            return Kind.Space;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
            _ => Kind.Other,
        };
    }
}
