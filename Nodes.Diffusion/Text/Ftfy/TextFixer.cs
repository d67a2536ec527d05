using System.Text;

namespace Workflow.Nodes.Diffusion.Text.Ftfy;

/// <summary>
/// ftfy.fix_text (ftfy 6.3.1 with its default configuration), which CLIP's tokenizer in transformers applies to every
/// prompt before byte-pair encoding: per line, until nothing changes, HTML entities are decoded (unless the text holds
/// '&lt;'), mojibake is repaired (<see cref="MojibakeRepair"/>), then C1 controls, ligatures, character widths, curly
/// quotes, line breaks, lone surrogates, terminal escapes and invisible controls are fixed, and the result is
/// NFC-normalized.
/// </summary>
internal static class TextFixer
{
    /// <summary>ftfy's max_decode_length: a longer line is fixed in pieces of this many characters.</summary>
    private const int MaxSegment = 1_000_000;

    /// <summary>A bound ftfy does not have: a segment settles in a few rounds, hostile input must not spin.</summary>
    private const int MaxRounds = 100;

    public static string FixText(string text)
    {
        var fixedText = new StringBuilder(text.Length);
        var unescapeHtml = true;
        for (var start = 0; start < text.Length;)
        {
            var end = text.IndexOf('\n', start) is var newline and >= 0 ? newline + 1 : text.Length;
            if (end - start > MaxSegment)
                end = char.IsHighSurrogate(text[start + MaxSegment - 1]) ? start + MaxSegment - 1 : start + MaxSegment;
            var segment = text[start..end];
            // Text that holds a '<' may be HTML, whose entities must stay: from here on none are decoded.
            unescapeHtml &= !segment.Contains('<');
            fixedText.Append(FixSegment(segment, unescapeHtml));
            start = end;
        }
        return fixedText.ToString();
    }

    private static string FixSegment(string text, bool unescapeHtml)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            var original = text;
            if (unescapeHtml)
                text = HtmlEntities.Unescape(text);
            text = MojibakeRepair.FixEncoding(text);
            text = CharacterFixes.FixC1Controls(text);
            text = CharacterFixes.FixLatinLigatures(text);
            text = CharacterFixes.FixCharacterWidth(text);
            text = CharacterFixes.UncurlQuotes(text);
            text = CharacterFixes.FixLineBreaks(text);
            text = CharacterFixes.FixSurrogates(text);
            text = CharacterFixes.RemoveTerminalEscapes(text);
            text = CharacterFixes.RemoveControlChars(text);
            text = text.Normalize(NormalizationForm.FormC);
            if (text == original)
                return text;
        }
        return text;
    }
}
