using System.Text;
using System.Text.RegularExpressions;

namespace Workflow.Nodes.Diffusion.Text.Ftfy;

/// <summary>
/// ftfy's fixes on the bytes of mojibake before they are decoded as UTF-8. The patterns run over the bytes read as
/// Latin-1 (one character per byte), so byte values appear in them as \u00XX.
/// </summary>
internal static partial class ByteFixes
{
    /// <summary>
    /// ftfy's ALTERED_UTF8_RE: sequences that would be UTF-8 if a space were the byte A0 that a Windows-1252 program
    /// turned into a space. Lead bytes are limited to those whose character with A0 is likely (U+A0, à, Š, Π, Р, ٠ for
    /// two bytes; E0–E3 for three; F0 for four).
    /// </summary>
    public static bool HasAlteredUtf8(byte[] bytes) => AlteredUtf8().IsMatch(Encoding.Latin1.GetString(bytes));

    /// <summary>ftfy's restore_byte_a0: puts back the A0 byte that became a space inside such sequences.</summary>
    public static byte[] RestoreByteA0(byte[] bytes)
    {
        // "Ã " alone is almost always "à" before a word ("à la"): keep the space as well, except before the
        // Portuguese contractions às, àquele, àquela, àquilo.
        var text = AGraveWord().Replace(Encoding.Latin1.GetString(bytes), "\u00C3\u00A0 ");
        return Encoding.Latin1.GetBytes(AlteredUtf8().Replace(text, m => m.Value.Replace(' ', '\u00A0')));
    }

    /// <summary>
    /// ftfy's replace_lossy_sequences: a UTF-8 sequence whose continuation bytes were lost (byte 1A, standing for '�',
    /// or a '?') is replaced by the UTF-8 of U+FFFD, as is any remaining 1A.
    /// </summary>
    public static byte[] ReplaceLossySequences(byte[] bytes) =>
        Encoding.Latin1.GetBytes(LossyUtf8().Replace(Encoding.Latin1.GetString(bytes), "\u00EF\u00BF\u00BD"));

    [GeneratedRegex("[\u00C2\u00C3\u00C5\u00CE\u00D0\u00D9][ ]"
        + "|[\u00E2\u00E3][ ][\u0080-\u0084\u0086-\u009F\u00A1-\u00BF]"
        + "|[\u00E0-\u00E3][\u0080-\u0084\u0086-\u009F\u00A1-\u00BF][ ]"
        + "|\u00F0[ ][\u0080-\u00BF][\u0080-\u00BF]"
        + "|\u00F0[\u0080-\u00BF][ ][\u0080-\u00BF]"
        + "|\u00F0[\u0080-\u00BF][\u0080-\u00BF][ ]", RegexOptions.CultureInvariant)]
    private static partial Regex AlteredUtf8();

    [GeneratedRegex("\u00C3 (?! |quele|quela|quilo|s )", RegexOptions.CultureInvariant)]
    private static partial Regex AGraveWord();

    [GeneratedRegex("[\u00C2-\u00DF]\u001A"
        + "|[\u00C2-\u00C3][?]"
        + "|\u00ED[\u00A0-\u00AF][\u001A?]\u00ED[\u00B0-\u00BF][\u001A?\u0080-\u00BF]"
        + "|\u00ED[\u00A0-\u00AF][\u001A?\u0080-\u00BF]\u00ED[\u00B0-\u00BF][\u001A?]"
        + "|[\u00E0-\u00EF][\u001A?][\u001A\u0080-\u00BF]"
        + "|[\u00E0-\u00EF][\u001A\u0080-\u00BF][\u001A?]"
        + "|[\u00F0-\u00F4][\u001A?][\u001A\u0080-\u00BF][\u001A\u0080-\u00BF]"
        + "|[\u00F0-\u00F4][\u001A\u0080-\u00BF][\u001A?][\u001A\u0080-\u00BF]"
        + "|[\u00F0-\u00F4][\u001A\u0080-\u00BF][\u001A\u0080-\u00BF][\u001A?]"
        + "|\u001A", RegexOptions.CultureInvariant)]
    private static partial Regex LossyUtf8();
}
