using System.Text;

namespace Workflow.Nodes.Diffusion.Text.Ftfy;

/// <summary>
/// Strict UTF-8 decoding, and ftfy's "utf-8-variants": UTF-8 that may also hold CESU-8 (a UTF-16 surrogate pair
/// encoded as two three-byte sequences, ED A0–AF xx ED B0–BF xx) and Java's two-byte NUL (C0 80). Anything else that
/// is not UTF-8 fails, as Python's strict decoder does.
/// </summary>
internal static class Utf8Variants
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text of <paramref name="bytes"/>, or null where they are not (variant) UTF-8.</summary>
    public static string? TryDecode(byte[] bytes, bool variants)
    {
        try
        {
            return variants ? DecodeVariants(bytes) : Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static string DecodeVariants(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length);
        var start = 0;
        for (var i = 0; i < bytes.Length;)
        {
            if (bytes[i] == 0xC0 && i + 1 < bytes.Length && bytes[i + 1] == 0x80)
            {
                text.Append(Strict.GetString(bytes, start, i - start)).Append('\0');
                start = i += 2;
            }
            else if (IsCesu8Pair(bytes, i))
            {
                // 11101101 1010abcd 10efghij 11101101 1011klmn 10opqrst: the 20 bits abcd…t, plus 0x10000.
                var codepoint = 0x10000 + ((bytes[i + 1] & 0x0F) << 16) + ((bytes[i + 2] & 0x3F) << 10) + ((bytes[i + 4] & 0x0F) << 6) + (bytes[i + 5] & 0x3F);
                text.Append(Strict.GetString(bytes, start, i - start)).Append(char.ConvertFromUtf32(codepoint));
                start = i += 6;
            }
            else
            {
                i++;
            }
        }
        return text.Append(Strict.GetString(bytes, start, bytes.Length - start)).ToString();
    }

    private static bool IsCesu8Pair(byte[] b, int i) =>
        i + 5 < b.Length && b[i] == 0xED && b[i + 1] is >= 0xA0 and <= 0xAF && b[i + 2] is >= 0x80 and <= 0xBF
        && b[i + 3] == 0xED && b[i + 4] is >= 0xB0 and <= 0xBF && b[i + 5] is >= 0x80 and <= 0xBF;
}
