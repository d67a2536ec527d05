using System.Buffers.Binary;

namespace Workflow.Imaging;

/// <summary>
/// Turns one pixel of a reconstructed row into 8-bit channels: palette lookup, low bit depths scaled to 0..255,
/// 16-bit samples reduced to their high byte, and tRNS transparency made an alpha channel.
/// </summary>
internal sealed class PixelExpander
{
    private readonly PngHeader _header;
    private readonly byte[]? _palette;
    private readonly byte[]? _transparency;

    public PixelExpander(PngHeader header, byte[]? palette, byte[]? transparency)
    {
        (_header, _palette, _transparency) = (header, palette, transparency);
        if (palette is not null && (palette.Length % 3 != 0 || palette.Length == 0 || palette.Length > 768))
            throw new PngException($"PLTE holds {palette.Length} bytes, not 3 per entry for 1 to 256 entries");
        bool withTransparency = transparency is not null && header.ColorType is 0 or 2 or 3;
        Channels = header.ColorType switch { 0 => 1, 2 or 3 => 3, 4 => 2, _ => 4 } + (withTransparency ? 1 : 0);
    }

    public int Channels { get; }

    public void Expand(ReadOnlySpan<byte> row, int x, Span<byte> output)
    {
        switch (_header.ColorType)
        {
            case 3:
                ExpandPalette(Sample(row, x, 0), output);
                break;
            case 0 or 2:
                ExpandOpaque(row, x, output);
                break;
            default:   // gray+alpha and RGBA carry their own alpha
                for (int c = 0; c < output.Length; c++)
                    output[c] = To8Bit(Sample(row, x, c));
                break;
        }
    }

    private void ExpandPalette(int index, Span<byte> output)
    {
        if (index * 3 + 2 >= _palette!.Length)
            throw new PngException($"pixel uses palette entry {index}, beyond the {_palette.Length / 3} entries of PLTE");
        _palette.AsSpan(index * 3, 3).CopyTo(output);
        if (output.Length == 4)
            output[3] = index < _transparency!.Length ? _transparency[index] : (byte)255;
    }

    private void ExpandOpaque(ReadOnlySpan<byte> row, int x, Span<byte> output)
    {
        int colours = _header.ColorType == 0 ? 1 : 3;
        bool transparent = _transparency is not null;
        for (int c = 0; c < colours; c++)
        {
            int raw = Sample(row, x, c);
            output[c] = To8Bit(raw);
            if (_transparency is not null && (_transparency.Length < 2 * (c + 1) || BinaryPrimitives.ReadUInt16BigEndian(_transparency.AsSpan(2 * c)) != raw))
                transparent = false;
        }
        if (output.Length > colours)
            output[colours] = transparent ? (byte)0 : (byte)255;
    }

    /// <summary>Sample <paramref name="channel"/> of pixel <paramref name="x"/> at the file's bit depth.</summary>
    private int Sample(ReadOnlySpan<byte> row, int x, int channel)
    {
        int depth = _header.BitDepth, index = x * _header.SamplesPerPixel + channel;
        return depth switch
        {
            16 => BinaryPrimitives.ReadUInt16BigEndian(row[(index * 2)..]),
            8 => row[index],
            _ => (row[index * depth / 8] >> (8 - depth - index * depth % 8)) & ((1 << depth) - 1),
        };
    }

    private byte To8Bit(int sample) => _header.BitDepth switch
    {
        16 => (byte)(sample >> 8),
        8 => (byte)sample,
        _ => (byte)(sample * 255 / ((1 << _header.BitDepth) - 1)),
    };
}
