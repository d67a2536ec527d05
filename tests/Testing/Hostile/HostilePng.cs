using System.Buffers.Binary;
using System.Text;
using Workflow.Imaging;

namespace Workflow.Testing.Hostile;

/// <summary>
/// PNG files an attacker would send, built chunk by chunk with correct lengths and CRCs so a decoder gets past the
/// framing: huge sizes on a few hundred kilobytes, text and ICC chunks that inflate to gigabytes, data cut short.
/// </summary>
public static class HostilePng
{
    public static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>An image of zeros: IHDR, the given chunks, IDAT inflating to exactly the rows the size needs, IEND.</summary>
    public static byte[] Zeros(int width, int height, byte bitDepth = 8, byte colorType = 2, params byte[][] extraChunks)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        long rowBytes = ((long)width * channels * bitDepth + 7) / 8;
        return File([Header(width, height, bitDepth, colorType), .. extraChunks, Chunk("IDAT", DeflatedZeros.Zlib(height * (1 + rowBytes)))]);
    }

    /// <summary>A 16384 × 16384 RGB image of zeros in about 800 KB: 805 MB of pixels, several GB once floats.</summary>
    public static byte[] HugeIhdr() => Zeros(16384, 16384);

    /// <summary>The same size at 16 bits per sample, RGBA: 2 GiB of raw rows, past what one array holds.</summary>
    public static byte[] Huge16Bit() => Zeros(16384, 16384, bitDepth: 16, colorType: 6);

    /// <summary>A small image whose compressed text chunk (zTXt, or compressed iTXt) inflates to <paramref name="inflated"/> bytes.</summary>
    public static byte[] TextBomb(string type, string keyword, long inflated)
    {
        byte[] body = type == "zTXt"
            ? [.. Latin1(keyword), 0, 0, .. DeflatedZeros.Zlib(inflated)]
            : [.. Latin1(keyword), 0, 1, 0, 0, 0, .. DeflatedZeros.Zlib(inflated)];
        return Zeros(8, 8, extraChunks: Chunk(type, body));
    }

    /// <summary>An embedded ICC profile (iCCP) that inflates to <paramref name="inflated"/> bytes.</summary>
    public static byte[] IccpBomb(long inflated) => Zeros(8, 8, extraChunks: Chunk("iCCP", [.. Latin1("icc"), 0, 0, .. DeflatedZeros.Zlib(inflated)]));

    /// <summary>A valid image cut after <paramref name="keep"/> bytes of its image data.</summary>
    public static byte[] TruncatedIdat(int keep)
    {
        var whole = Png.Encode(new RasterImage(64, 64, 3, Enumerable.Range(0, 64 * 64 * 3).Select(i => (byte)(i * 7)).ToArray()));
        int idat = whole.AsSpan().IndexOf("IDAT"u8) + 4;
        return whole[..(idat + keep)];
    }

    public static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    public static byte[] Header(int width, int height, byte bitDepth, byte colorType, byte interlace = 0)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(data, width);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), height);
        (data[8], data[9], data[12]) = (bitDepth, colorType, interlace);
        return Chunk("IHDR", data);
    }

    public static byte[] File(params byte[][] chunks) => [.. Signature, .. chunks.SelectMany(c => c), .. Chunk("IEND", [])];

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private static uint Crc(ReadOnlySpan<byte> bytes) => Crc32.Compute(bytes[..4], bytes[4..]);
}
