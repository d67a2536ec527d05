using System.Globalization;
using System.Numerics;
using System.Text;

namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// The text arguments of protocol 0's opcodes, parsed as CPython's pickle.py does: INT and LONG decimals, FLOAT's
/// repr, STRING's quoted escape sequences (codecs.escape_decode), UNICODE's raw-unicode-escape, GET/PUT indices.
/// </summary>
internal static class PickleText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A decimal integer (an optional sign, then digits), as a long where it fits.</summary>
    public static object Integer(ReadOnlySpan<byte> text, int maxDigits)
    {
        var digits = text.TrimStart("+-"u8);
        if (digits.Length == 0 || digits.Length > maxDigits || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0 || text.Length - digits.Length > 1)
            throw new PickleError(digits.Length > maxDigits
                ? $"an integer of {digits.Length} digits exceeds the limit of {maxDigits} (PickleLimits.MaxIntegerBytes)"
                : $"'{Ascii(text)}' is not a decimal integer");
        return Narrow(BigInteger.Parse(Encoding.ASCII.GetString(text), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
    }

    /// <summary>A Python int as a long where it fits, else a BigInteger.</summary>
    public static object Narrow(BigInteger value) => value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;

    /// <summary>A memo index (GET, PUT): a non-negative decimal.</summary>
    public static long Index(ReadOnlySpan<byte> text) =>
        Integer(text, 20) is long index && index >= 0 ? index : throw new PickleError($"'{Ascii(text)}' is not a memo index");

    /// <summary>Python's float(): a decimal, or inf / nan with an optional sign.</summary>
    public static double Float(ReadOnlySpan<byte> text)
    {
        var s = Ascii(text).Trim();
        var unsigned = s.TrimStart('+', '-').ToLowerInvariant();
        var negative = s.StartsWith('-');
        if (unsigned is "inf" or "infinity")
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        if (unsigned == "nan")
            return double.NaN;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && !s.Contains(',')
            ? value
            : throw new PickleError($"'{s}' is not a float");
    }

    /// <summary>STRING's argument: a quoted Python 2 str literal, its escapes decoded to bytes.</summary>
    public static byte[] QuotedString(ReadOnlySpan<byte> text)
    {
        if (text.Length < 2 || text[0] != text[^1] || text[0] is not ((byte)'\'' or (byte)'"'))
            throw new PickleError("the STRING opcode argument must be quoted");
        var body = text[1..^1];
        var bytes = new List<byte>(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\')
            {
                bytes.Add(body[i]);
                continue;
            }
            if (++i == body.Length)
                throw new PickleError("a STRING argument ends with a lone backslash");
            i = Unescape(body, i, bytes);
        }
        return [.. bytes];
    }

    /// <summary>UNICODE's argument: raw-unicode-escape, Latin-1 except \uXXXX and \UXXXXXXXX after an odd run of backslashes.</summary>
    public static string RawUnicodeEscape(ReadOnlySpan<byte> text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var run = 0;
            while (i + run < text.Length && text[i + run] == '\\')
                run++;
            if (run == 0)
            {
                result.Append((char)text[i]);
                continue;
            }
            var escapes = run % 2 == 1 && i + run < text.Length && text[i + run] is (byte)'u' or (byte)'U';
            result.Append('\\', escapes ? run - 1 : run);
            i += run - 1;
            if (!escapes)
                continue;
            var width = text[i + 1] == 'u' ? 4 : 8;
            var hex = text.Slice(i + 2, Math.Min(width, text.Length - i - 2));
            if (hex.Length != width || !int.TryParse(Ascii(hex), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                || code is < 0 or > 0x10ffff)
                throw new PickleError($"a truncated or invalid \\{(char)text[i + 1]} escape in a UNICODE argument");
            // Python strings may hold lone surrogates; .NET's do too, as single chars.
            result.Append(code <= char.MaxValue ? ((char)code).ToString() : char.ConvertFromUtf32(code));
            i += 1 + width;
        }
        return result.ToString();
    }

    public static string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new PickleError($"a {bytes.Length}-byte string is not valid UTF-8");
        }
    }

    public static string Ascii(ReadOnlySpan<byte> bytes) =>
        bytes.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e) < 0 ? Encoding.ASCII.GetString(bytes) : Convert.ToHexString(bytes);

    /// <summary>Decodes the escape at <paramref name="i"/> (just after the backslash) into <paramref name="bytes"/>; returns its last index.</summary>
    private static int Unescape(ReadOnlySpan<byte> body, int i, List<byte> bytes)
    {
        switch ((char)body[i])
        {
            case '\n': return i;
            case '\\': bytes.Add((byte)'\\'); return i;
            case '\'': bytes.Add((byte)'\''); return i;
            case '"': bytes.Add((byte)'"'); return i;
            case 'a': bytes.Add(7); return i;
            case 'b': bytes.Add(8); return i;
            case 'f': bytes.Add(12); return i;
            case 'n': bytes.Add(10); return i;
            case 'r': bytes.Add(13); return i;
            case 't': bytes.Add(9); return i;
            case 'v': bytes.Add(11); return i;
            case 'x':
                if (i + 2 >= body.Length || !byte.TryParse(Ascii(body.Slice(i + 1, 2)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
                    throw new PickleError("an invalid \\x escape in a STRING argument");
                bytes.Add(hex);
                return i + 2;
            case >= '0' and <= '7':
                var end = i;
                var value = 0;
                while (end < body.Length && end < i + 3 && body[end] is >= (byte)'0' and <= (byte)'7')
                    value = value * 8 + body[end++] - '0';
                bytes.Add((byte)value);
                return end - 1;
            default:
                bytes.Add((byte)'\\');
                bytes.Add(body[i]);
                return i;
        }
    }
}
