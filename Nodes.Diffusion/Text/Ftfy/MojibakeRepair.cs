using System.Text.RegularExpressions;

namespace Workflow.Nodes.Diffusion.Text.Ftfy;

/// <summary>
/// ftfy's fix_encoding (6.3): while the text looks like mojibake (<see cref="Badness"/>), find the single-byte encoding
/// it can be encoded in and whose bytes decode as UTF-8, and undo the mix-up; failing that, repair the UTF-8-looking
/// pieces on their own, then Latin-1 meant as Windows-1252, then lone C1 controls. Repeats until nothing changes.
/// </summary>
internal static class MojibakeRepair
{
    /// <summary>A bound ftfy does not have: each step shortens or settles the text, but hostile input must not spin.</summary>
    private const int MaxSteps = 100;

    public static string FixEncoding(string text)
    {
        for (var step = 0; step < MaxSteps; step++)
        {
            var fixedText = FixOneStep(text);
            if (fixedText == text)
                return text;
            text = fixedText;
        }
        return text;
    }

    private static string FixOneStep(string text)
    {
        if (text.Length == 0 || IsAscii(text) || !Badness.IsBad(text))
            return text;

        // The likeliest story: UTF-8 decoded with a single-byte encoding.
        var latin1Possible = false;
        foreach (var charmap in Charmap.All)
        {
            if (!charmap.CanEncode(text))
                continue;
            latin1Possible |= charmap == Charmap.Latin1;
            var bytes = charmap.Encode(text);
            // Not in MacRoman, where an en dash and a space would make false positives.
            if (charmap.Name != "macroman" && ByteFixes.HasAlteredUtf8(bytes))
                bytes = ByteFixes.RestoreByteA0(bytes);
            if (charmap.IsSloppy)
                bytes = ByteFixes.ReplaceLossySequences(bytes);
            if (Utf8Variants.TryDecode(bytes, variants: bytes.Contains((byte)0xED) || bytes.Contains((byte)0xC0)) is { } decoded)
                return decoded;
        }

        // Pieces that look like UTF-8 mojibake inside text that cannot be re-decoded as a whole.
        if (Utf8Detector.IsMatch(text) && DecodeInconsistentUtf8(text) is var repaired && repaired != text)
            return repaired;

        // Latin-1 that was meant as Windows-1252: its C1 controls stand for Windows-1252's punctuation.
        if (latin1Possible && Windows1252Strict(text) is { } windows1252 && windows1252 != text)
            return windows1252;

        return CharacterFixes.HasC1Controls(text) ? CharacterFixes.FixC1Controls(text) : text;
    }

    /// <summary>Each UTF-8-looking run that is itself bad and shorter than the text gets fixed on its own.</summary>
    private static string DecodeInconsistentUtf8(string text) =>
        Utf8Detector.Replace(text, m => m.Value.Length < text.Length && Badness.IsBad(m.Value) ? FixEncoding(m.Value) : m.Value);

    /// <summary>text.encode("latin-1").decode("windows-1252"), or null where a byte is one Windows-1252 leaves undefined.</summary>
    private static string? Windows1252Strict(string text)
    {
        var bytes = Charmap.Latin1.Encode(text);
        foreach (var b in bytes)
            if (b is >= 0x80 and <= 0x9F && Charmap.SloppyWindows1252.Decode(b) == (char)b)
                return null;
        return Charmap.SloppyWindows1252.Decode(bytes);
    }

    private static bool IsAscii(string text)
    {
        foreach (var c in text)
            if (c >= 0x80)
                return false;
        return true;
    }

    /// <summary>
    /// ftfy's UTF8_DETECTOR_RE: runs of what UTF-8 lead and continuation bytes look like in the Latin-like encodings (a
    /// space may stand for A0), not right after a character that only ever is a continuation byte, so a few
    /// characters inside a large garble are not "fixed" into a worse one.
    /// </summary>
    private static readonly Regex Utf8Detector = BuildUtf8Detector();

    private static Regex BuildUtf8Detector()
    {
        string Class(IEnumerable<char> chars) => "[" + string.Concat(chars.Distinct().Select(c => $"\\u{(int)c:X4}")) + "]";
        IEnumerable<char> Decoded(params byte[] bytes) => Charmap.LatinLike.SelectMany(m => bytes.Select(m.Decode));
        byte[] Range(int from, int to) => [.. Enumerable.Range(from, to - from + 1).Select(b => (byte)b)];

        var continuation = Decoded(Range(0x80, 0xBF)).Append(' ').ToList();
        // Characters that stand for themselves next to mojibake as easily as for a continuation byte.
        var ambiguous = " –—―‘’‚“”„•…";
        var strict = continuation.Where(c => !ambiguous.Contains(c));
        var pattern = $"(?<!{Class(strict)})(?:{Class(Decoded(Range(0xC2, 0xDF)))}{Class(continuation)}"
            + $"|{Class(Decoded(Range(0xE0, 0xEF)))}{Class(continuation)}{{2}}"
            + $"|{Class(Decoded(0xF0, 0xF3))}{Class(continuation)}{{3}})+";
        return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }
}
