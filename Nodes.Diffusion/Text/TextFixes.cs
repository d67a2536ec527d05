using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Workflow.Nodes.Diffusion.Text;

/// <summary>
/// The part of ftfy.fix_text (ftfy 6.3, which CLIP's tokenizer applies first) that is cheap to reproduce, in ftfy's
/// order: HTML entities unescaped (unless the text holds '&lt;'), UTF-8 mis-read as Latin-1 repaired ("cafÃ©" → "café"),
/// control characters removed, Latin ligatures split, fullwidth forms narrowed, curly quotes straightened, then NFC.
/// Not reproduced: ftfy's general mojibake detection (other encodings, partial and mixed cases), terminal escapes,
/// C1 controls, surrogate fixes — prompts relying on those tokenize as if ftfy were absent for that step.
/// </summary>
internal static partial class TextFixes
{
    public static string FixText(string text)
    {
        if (!text.Contains('<'))
            text = HtmlEntity().Replace(text, m => WebUtility.HtmlDecode(m.Value) is var decoded && !decoded.Contains(';') ? decoded : m.Value);
        text = Mojibake().Replace(text, m => RepairUtf8ReadAsLatin1(m.Value));
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
            if (!IsRemovedControl(rune.Value))
                sb.Append(Replacement(rune));
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    private static string Replacement(Rune rune) => rune.Value switch
    {
        >= 0xFB00 and <= 0xFB06 => ((char)rune.Value).ToString().Normalize(NormalizationForm.FormKC),   // ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ
        0x0132 => "IJ",
        0x0133 => "ij",
        0x3000 => " ",   // ideographic space, as ftfy
        >= 0xFF01 and <= 0xFFEF => rune.ToString().Normalize(NormalizationForm.FormKC),   // fullwidth and halfwidth forms
        0x02BC or (>= 0x2018 and <= 0x201B) => "'",
        >= 0x201C and <= 0x201F => "\"",
        _ => rune.ToString(),
    };

    /// <summary>ftfy's remove_control_chars set (the C0 controls other than whitespace, DEL, deprecated format characters, BOM, ...).</summary>
    private static bool IsRemovedControl(int c) =>
        c is (>= 0x00 and <= 0x08) or 0x0B or (>= 0x0E and <= 0x1F) or 0x7F or (>= 0x206A and <= 0x206F) or 0xFEFF
            or (>= 0xFFF9 and <= 0xFFFC) or (>= 0x1D173 and <= 0x1D17A) or (>= 0xE0000 and <= 0xE007F);

    /// <summary>"Ã©" → "é": the Latin-1 code points are UTF-8 bytes; kept as is unless they decode as UTF-8.</summary>
    private static string RepairUtf8ReadAsLatin1(string run)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Encoding.Latin1.GetBytes(run));
        }
        catch (DecoderFallbackException)
        {
            return run;
        }
    }

    [GeneratedRegex("&#?[0-9A-Za-z]{1,24};")]
    private static partial Regex HtmlEntity();

    /// <summary>A UTF-8 lead byte (U+00C2..U+00F4 read as Latin-1) followed by continuation bytes (U+0080..U+00BF).</summary>
    [GeneratedRegex("[\u00C2-\u00F4][\u0080-\u00BF]+")]
    private static partial Regex Mojibake();
}
