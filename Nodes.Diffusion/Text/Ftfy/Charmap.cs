using System.Collections.Frozen;

namespace Workflow.Nodes.Diffusion.Text.Ftfy;

/// <summary>
/// A single-byte encoding ftfy may find text was wrongly decoded with (ftfy.chardata.CHARMAP_ENCODINGS): the 256
/// characters its bytes decode to, and back. Its "sloppy" Windows code pages decode undefined bytes as Latin-1 does
/// and byte 0x1A as U+FFFD, so that text already holding '�' can still be encoded.
/// </summary>
internal sealed class Charmap
{
    private readonly string _characters;
    private readonly FrozenDictionary<char, byte> _bytes;

    private Charmap(string name, string characters)
    {
        Name = name;
        _characters = characters;
        _bytes = characters.Select((c, b) => (c, (byte)b)).ToFrozenDictionary(p => p.c, p => p.Item2);
    }

    /// <summary>In the order ftfy tries them: Latin-1, the sloppy Windows code pages, ISO-8859-2, MacRoman, CP437.</summary>
    public static IReadOnlyList<Charmap> All { get; } = [.. FtfyTables.Charmaps.Select(m => new Charmap(m.Name, m.Characters))];

    public static Charmap Latin1 { get; } = All.Single(m => m.Name == "latin-1");

    public static Charmap SloppyWindows1252 { get; } = All.Single(m => m.Name == "sloppy-windows-1252");

    /// <summary>The encodings whose bytes 0x80–0xFF look like Latin-1's: where UTF-8's lead and continuation bytes show as letters.</summary>
    public static IReadOnlyList<Charmap> LatinLike { get; } =
        [.. All.Where(m => m.Name is "latin-1" or "sloppy-windows-1250" or "sloppy-windows-1251" or "sloppy-windows-1252"
            or "sloppy-windows-1253" or "sloppy-windows-1254" or "sloppy-windows-1257")];

    public string Name { get; }

    public bool IsSloppy => Name.StartsWith("sloppy-", StringComparison.Ordinal);

    public char Decode(byte value) => _characters[value];

    /// <summary>ftfy's possible_encoding: every character is one this encoding decodes some byte to.</summary>
    public bool CanEncode(string text)
    {
        foreach (var c in text)
            if (!_bytes.ContainsKey(c))
                return false;
        return true;
    }

    /// <summary>The bytes of text <see cref="CanEncode"/> accepted.</summary>
    public byte[] Encode(string text)
    {
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
            bytes[i] = _bytes[text[i]];
        return bytes;
    }

    /// <summary>The characters of <paramref name="bytes"/>.</summary>
    public string Decode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
            chars[i] = _characters[bytes[i]];
        return new string(chars);
    }
}
