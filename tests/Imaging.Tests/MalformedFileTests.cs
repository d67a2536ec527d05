using System.IO.Compression;
using Workflow.Testing.Hostile;

namespace Workflow.Imaging.Tests;

/// <summary>A file that is not a readable PNG raises PngException with the reason; never another exception, never a wrong image.</summary>
public sealed class MalformedFileTests
{
    private static readonly byte[] Valid = Png.Encode(new RasterImage(5, 3, 3, Enumerable.Range(0, 45).Select(i => (byte)(i * 5)).ToArray()));

    private static string Reason(byte[] data) => Assert.Throws<PngException>(() => Png.Decode(data)).Message;

    private static byte[] Chunk(string type, byte[] data) => HostilePng.Chunk(type, data);

    private static byte[] Header(int width, int height, byte depth, byte colorType) => HostilePng.Header(width, height, depth, colorType);

    private static byte[] Compressed(byte[] raw)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Fastest))
            zlib.Write(raw);
        return buffer.ToArray();
    }

    private static byte[] File(params byte[][] chunks) => HostilePng.File(chunks);

    [Fact]
    public void Not_a_png() => Assert.Equal("not a PNG file (the 8-byte signature is missing)", Reason("GIF89a..."u8.ToArray()));

    [Fact]
    public void Truncated_file_at_every_length_fails_cleanly()
    {
        for (int length = 0; length < Valid.Length; length++)
            Assert.Throws<PngException>(() => Png.Decode(Valid.AsSpan(0, length)));
    }

    [Fact]
    public void Any_single_corrupted_byte_either_fails_cleanly_or_is_harmless()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 2000; trial++)
        {
            var copy = (byte[])Valid.Clone();
            copy[random.Next(copy.Length)] ^= (byte)(1 + random.Next(255));
            try
            {
                Png.Decode(copy);
            }
            catch (PngException)
            {
            }
        }
    }

    [Fact]
    public void Corrupted_chunk_fails_its_crc()
    {
        var copy = (byte[])Valid.Clone();
        copy[^20] ^= 0xFF;   // inside IDAT
        Assert.Matches("^chunk IDAT at byte \\d+ fails its CRC check \\(corrupt\\)$", Reason(copy));
    }

    [Fact]
    public void Chunk_longer_than_the_file_is_truncation() =>
        Assert.Contains("beyond the end of the file (truncated)", Reason([.. Png.Signature, 0, 0, 1, 0, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 1, 2, 3, 4, 5, 6, 7, 8]));

    [Theory]
    [InlineData(0, 5, 8, 2, "image size 0x5 is not positive")]
    [InlineData(5, 5, 16, 3, "bit depth 16 is not allowed for colour type 3")]
    [InlineData(5, 5, 8, 5, "unknown colour type 5")]
    public void Impossible_header_is_refused(int width, int height, byte depth, byte colorType, string reason) =>
        Assert.Equal(reason, Reason(File(Header(width, height, depth, colorType), Chunk("IDAT", Compressed([0, 0])))));

    [Fact]
    public void Palette_image_without_palette() =>
        Assert.Equal("a palette image has no PLTE chunk", Reason(File(Header(1, 1, 8, 3), Chunk("IDAT", Compressed([0, 0])))));

    [Fact]
    public void Pixel_beyond_the_palette() =>
        Assert.Equal("pixel uses palette entry 2, beyond the 1 entries of PLTE",
            Reason(File(Header(1, 1, 8, 3), Chunk("PLTE", [1, 2, 3]), Chunk("IDAT", Compressed([0, 2])))));

    [Fact]
    public void Image_data_that_ends_early() =>
        Assert.Equal("image data ends early: 4 of 8 bytes", Reason(File(Header(1, 2, 8, 2), Chunk("IDAT", Compressed([0, 1, 2, 3])))));

    [Fact]
    public void Image_data_that_is_not_zlib() =>
        Assert.StartsWith("image data is not valid zlib data", Reason(File(Header(1, 1, 8, 0), Chunk("IDAT", [1, 2, 3, 4, 5]))));

    [Fact]
    public void No_image_data() => Assert.Equal("no image data (IDAT)", Reason(File(Header(1, 1, 8, 0))));

    [Fact]
    public void Unknown_critical_chunk() =>
        Assert.Equal("unknown critical chunk ABCD", Reason(File(Header(1, 1, 8, 0), Chunk("ABCD", []), Chunk("IDAT", Compressed([0, 9])))));

    [Fact]
    public void Unknown_row_filter() => Assert.Equal("unknown row filter type 9", Reason(File(Header(1, 1, 8, 0), Chunk("IDAT", Compressed([9, 0])))));

    [Fact]
    public void Unknown_ancillary_chunks_are_skipped() =>
        Assert.Equal([7], Png.Decode(File(Header(1, 1, 8, 0), Chunk("abCd", [1, 2]), Chunk("IDAT", Compressed([0, 7])))).Image.Pixels);
}
