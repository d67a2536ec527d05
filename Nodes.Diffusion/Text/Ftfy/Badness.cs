using System.Text.RegularExpressions;

namespace Workflow.Nodes.Diffusion.Text.Ftfy;

/// <summary>
/// ftfy's mojibake heuristic (ftfy/badness.py, 6.3): the few hundred characters that appear when UTF-8 is decoded with
/// a single-byte encoding, sorted into kinds, and the juxtapositions of those kinds that are far likelier to be
/// mojibake than intended text (a lower-case accented letter followed by a currency sign, say). Text with any such
/// sequence "is bad" and is worth trying to re-decode.
/// </summary>
internal static partial class Badness
{
    // The kinds of characters, as regex character-class contents (ranges included).
    /// <summary>Characters common in many contexts, telling little on their own.</summary>
    private const string Common = "\u00A0\u00AD·´–—―…’";

    /// <summary>C1 controls: no use left outside mojibake.</summary>
    private const string C1 = "\u0080-\u009F";

    /// <summary>Characters almost only seen in mojibake (ordinal indicators included: with other mojibake they are not ambiguous).</summary>
    private const string Bad = "¦¤¨¬¯¸ƒˆˇ˘˛˜†‡‰⌐◊\uFFFDªº";

    private const string Law = "¶§";

    private const string Currency = "¢£¥₧€";

    private const string StartPunctuation = "¡«¿©΄΅‘‚“„•‹\uF8FF";

    private const string EndPunctuation = "®»˝”›™";

    private const string Numeric = "²³¹±¼½¾×µ÷⁄∂∆∏∑√∞∩∫≈≠≡≤≥№";

    /// <summary>Letters that make faces (kaomoji), so may legitimately sit in odd places.</summary>
    private const string Kaomoji = "Ò-ÖÙ-Üò-öø-üŐŌŪŲ°";

    /// <summary>Upper-case accented letters, less the O's and U's of <see cref="Kaomoji"/> (Ø kept: common in Arabic mojibake).</summary>
    private const string UpperAccented = "À-ÑØÜÝĂĀĄĆČĎĐĘĚĒĖĞĢİĪĶĹĽŁĻŃŇŅŒŘŚŞŠŢŤŮŰŸŹŻŽҐ";

    private const string LowerAccented = "ßà-ñăąāćčďđęěēėğģįīķĺľłļœŕśşšťüźżžґﬁﬂ";

    /// <summary>Upper-case letters that often end words (Greek, Cyrillic, thorn): not "accented", or word ends would look bad.</summary>
    private const string UpperCommon = "ÞΑ-ΩΆΈΉΊΌΎΏΪΫЁ-Я";

    private const string LowerCommon = "α-ωάέήίΰа-џ";

    private const string Box = "│┌┐┘├┤┬┼═-╬▀▄█▌▐░▒▓";

    /// <summary>Python's \s for text: str.isspace().</summary>
    private const string Space = "[\t\n\u000B\u000C\r\u001C-\u001F \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

    /// <summary>Python's \w for text: letters, numbers (any numeric character) and '_'.</summary>
    private const string Word = @"[\p{L}\p{N}_]";

    /// <summary>Python's is_bad: does <paramref name="text"/> hold any unlikely sequence.</summary>
    public static bool IsBad(string text) => Sequences().IsMatch(text);

    [GeneratedRegex(
        $"[{C1}]"
        + $"|[{Bad}{LowerAccented}{UpperAccented}{Box}{StartPunctuation}{EndPunctuation}{Currency}{Numeric}{Law}][{Bad}]"
        + $"|[a-zA-Z][{LowerCommon}{UpperCommon}][{Bad}]"
        + $"|[{Bad}][{LowerAccented}{UpperAccented}{Box}{StartPunctuation}{EndPunctuation}{Currency}{Numeric}{Law}]"
        + $"|[{LowerAccented}{LowerCommon}{Box}{EndPunctuation}{Currency}{Numeric}][{UpperAccented}]"
        + $"|[{Box}{EndPunctuation}{Currency}{Numeric}][{LowerAccented}]"
        + $"|[{LowerAccented}{Box}{EndPunctuation}][{Currency}]"
        + $"|{Space}[{UpperAccented}][{Currency}]"
        + $"|[{UpperAccented}{Box}][{Numeric}{Law}]"
        + $"|[{LowerAccented}{UpperAccented}{Box}{Currency}{EndPunctuation}][{StartPunctuation}][{Numeric}]"
        + $"|[{LowerAccented}{UpperAccented}{Currency}{Numeric}{Box}{Law}][{EndPunctuation}][{StartPunctuation}]"
        + $"|[{Currency}{Numeric}{Box}][{StartPunctuation}]"
        + $"|[a-z][{UpperAccented}][{StartPunctuation}{Currency}]"
        + $"|[{Box}][{Kaomoji}]"
        + $"|[{LowerAccented}{UpperAccented}{Currency}{Numeric}{StartPunctuation}{EndPunctuation}{Law}][{Box}]"
        + $"|[{Box}][{EndPunctuation}]"
        + $"|[{LowerAccented}{UpperAccented}][{StartPunctuation}{EndPunctuation}]{Word}"
        // The ligature œ when not followed by an unaccented Latin letter.
        + "|[Œœ][^A-Za-z]"
        // Degree signs after capital letters.
        + $"|[{UpperAccented}]°"
        // Windows-1252 two-character mojibake the kinds above miss.
        + $"|[ÂÃÎÐ][€œŠš¢£Ÿž\u00A0\u00AD®©°·»{StartPunctuation}{EndPunctuation}–—´]"
        + "|×[²³]"
        // Windows-1252 mojibake of Arabic needs the common characters, so four must match.
        + $"|[ØÙ][{Common}{Currency}{Bad}{Numeric}{StartPunctuation}ŸŠ®°µ»][ØÙ][{Common}{Currency}{Bad}{Numeric}{StartPunctuation}ŸŠ®°µ»]"
        // Windows-1252 starts of three-byte sequences of South Asian alphabets.
        + "|à[²µ¹¼½¾]"
        // MacRoman mojibake the kinds above miss.
        + "|√[±∂†≠®™´≤≥¥µø]"
        + "|≈[°¢]"
        + "|‚Ä[ìîïòôúùû†°¢π]"
        + "|‚[âó][àä°ê]"
        // Windows-1251 mojibake of the U+2000 punctuation block.
        + "|вЂ"
        // Windows-1251 mojibake of Latin-1 or Cyrillic: two characters may be common, so three must match.
        + $"|[ВГРС][{C1}{Bad}{StartPunctuation}{EndPunctuation}{Currency}°µ][ВГРС]"
        // Windows-1251 mojibake over Latin-1 mojibake of Windows-1252 punctuation, next to a Latin letter.
        + "|ГўВЂВ.[A-Za-z ]"
        // Windows-1252 encodings of à and á, and of U+A0 itself.
        + "|Ã[\u00A0¡]"
        + $"|[a-z]{Space}?[ÃÂ][ ]"
        + "|^[ÃÂ][ ]"
        // Â before a common character it encodes.
        + $"|[a-z.,?!{EndPunctuation}]Â[ {StartPunctuation}{EndPunctuation}]"
        // Windows-1253 mojibake of the U+2000 block, and of Latin-1 or Greek.
        + "|β€[™\u00A0Ά\u00AD®°]"
        + $"|[ΒΓΞΟ][{C1}{Bad}{StartPunctuation}{EndPunctuation}{Currency}°][ΒΓΞΟ]"
        // Windows-1257 mojibake of the U+2000 block.
        + "|ā€",
        RegexOptions.CultureInvariant)]
    private static partial Regex Sequences();
}
