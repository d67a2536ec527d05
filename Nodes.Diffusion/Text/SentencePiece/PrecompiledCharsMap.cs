using System.Buffers.Binary;

namespace Workflow.Nodes.Diffusion.Text.SentencePiece;

/// <summary>
/// sentencepiece's precompiled normalization rules (NormalizerSpec.precompiled_charsmap, e.g. nmt_nfkc): a
/// little-endian uint32 size, a darts-clone double-array trie over UTF-8 byte strings, then the replacement strings,
/// each ending in NUL. A trie value is the offset of the replacement. Lookup is darts-clone's commonPrefixSearch;
/// the longest matching rule wins (normalizer.cc NormalizePrefix).
/// </summary>
internal sealed class PrecompiledCharsMap
{
    private readonly uint[] _units;
    private readonly byte[] _replacements;

    private PrecompiledCharsMap(uint[] units, byte[] replacements) => (_units, _replacements) = (units, replacements);

    public static PrecompiledCharsMap Parse(byte[] blob)
    {
        if (blob.Length <= 4)
            throw new InvalidDataException("the normalization rule blob is broken (shorter than its header)");
        uint trieBytes = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieBytes >= blob.Length - 4 || trieBytes % 4 != 0)
            throw new InvalidDataException($"the normalization trie size {trieBytes} does not fit its {blob.Length}-byte blob");
        var units = new uint[trieBytes / 4];
        for (int i = 0; i < units.Length; i++)
            units[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4 + 4 * i));
        return new PrecompiledCharsMap(units, blob[(4 + (int)trieBytes)..]);
    }

    /// <summary>The longest rule matching a prefix of <paramref name="input"/>: how many bytes it consumes and what replaces them; 0 when none matches.</summary>
    public int LongestMatch(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> replacement)
    {
        replacement = default;
        int longest = 0, value = 0;
        uint node = Offset(_units[0]);
        for (int i = 0; i < input.Length; i++)
        {
            node ^= input[i];
            if (node >= _units.Length)
                break;
            uint unit = _units[node];
            if (Label(unit) != input[i])
                break;
            node ^= Offset(unit);
            if (HasLeaf(unit) && node < _units.Length)
                (longest, value) = (i + 1, (int)(_units[node] & 0x7FFF_FFFF));
        }
        if (longest == 0)
            return 0;
        if (value >= _replacements.Length)
            throw new InvalidDataException($"a normalization rule points past the replacement strings ({value} ≥ {_replacements.Length})");
        var rest = _replacements.AsSpan(value);
        int end = rest.IndexOf((byte)0);
        replacement = end < 0 ? rest : rest[..end];
        return longest;
    }

    // darts-clone's DoubleArrayUnit fields.
    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;

    private static uint Label(uint unit) => unit & ((1u << 31) | 0xFF);

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);
}
