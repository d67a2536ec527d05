using System.Text;

namespace Workflow.Nodes.Diffusion.Text.SentencePiece;

/// <summary>
/// sentencepiece's Normalizer (normalizer.cc Normalize) on UTF-8 bytes: each position is replaced by the longest
/// precompiled rule matching there, else copied as one character; leading, trailing and repeated spaces are dropped
/// (remove_extra_whitespaces), spaces become ▁ (escape_whitespaces), and a ▁ is put in front (add_dummy_prefix).
/// </summary>
internal sealed class SentencePieceNormalizer(NormalizerSpec spec, bool treatWhitespaceAsSuffix)
{
    private static readonly byte[] SpaceSymbol = "\u2581"u8.ToArray();
    private static readonly byte[] Space = " "u8.ToArray();

    private readonly PrecompiledCharsMap? _charsMap = spec.PrecompiledCharsMap.Length == 0 ? null : PrecompiledCharsMap.Parse(spec.PrecompiledCharsMap);

    public string Normalize(string text)
    {
        ReadOnlySpan<byte> input = Encoding.UTF8.GetBytes(text);
        var output = new List<byte>(input.Length * 3);
        if (spec.RemoveExtraWhitespaces)
        {
            while (!input.IsEmpty)
            {
                int consumed = NormalizePrefix(input, out var piece);
                if (!piece.SequenceEqual(Space))
                    break;
                input = input[consumed..];
            }
        }
        if (input.IsEmpty)
            return "";
        var whitespace = spec.EscapeWhitespaces ? SpaceSymbol : Space;
        if (!treatWhitespaceAsSuffix && spec.AddDummyPrefix)
            output.AddRange(whitespace);
        bool previousWasSpace = spec.RemoveExtraWhitespaces;
        while (!input.IsEmpty)
        {
            int consumed = NormalizePrefix(input, out var piece);
            while (previousWasSpace && !piece.IsEmpty && piece[0] == (byte)' ')
                piece = piece[1..];
            if (!piece.IsEmpty)
            {
                foreach (var b in piece)
                {
                    if (b == (byte)' ' && spec.EscapeWhitespaces)
                        output.AddRange(SpaceSymbol);
                    else
                        output.Add(b);
                }
                previousWasSpace = piece[^1] == (byte)' ';
            }
            input = input[consumed..];
            if (!spec.RemoveExtraWhitespaces)
                previousWasSpace = false;
        }
        if (spec.RemoveExtraWhitespaces)
            while (EndsWith(output, whitespace))
                output.RemoveRange(output.Count - whitespace.Length, whitespace.Length);
        if (treatWhitespaceAsSuffix && spec.AddDummyPrefix)
            output.AddRange(whitespace);
        return Encoding.UTF8.GetString([.. output]);
    }

    /// <summary>The replacement of the longest rule at the start of <paramref name="input"/>, else its first character; returns the bytes consumed.</summary>
    private int NormalizePrefix(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> piece)
    {
        if (_charsMap is not null && _charsMap.LongestMatch(input, out piece) is var length and > 0)
            return length;
        // The input came from a .NET string, so it is valid UTF-8: one character is its lead byte's sequence length.
        length = Math.Min(input.Length, Utf8Length(input[0]));
        piece = input[..length];
        return length;
    }

    private static int Utf8Length(byte lead) => lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;

    private static bool EndsWith(List<byte> bytes, byte[] suffix) =>
        bytes.Count >= suffix.Length && bytes.Skip(bytes.Count - suffix.Length).SequenceEqual(suffix);
}
