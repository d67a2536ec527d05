using Workflow.Testing.Hostile;

namespace Workflow.Imaging.Tests;

/// <summary>
/// Small files that would expand into gigabytes are refused from their header, or their expanding parts are never
/// inflated, or inflated no further than a bound. Each case measures what decoding allocated on this thread.
/// </summary>
public sealed class DecompressionBombTests
{
    private const long Megabyte = 1 << 20;

    private static readonly PngReadOptions NoText = new() { TextKeywords = new HashSet<string>() };

    /// <summary>Runs <paramref name="decode"/> and returns what it threw (or null) and the bytes it allocated.</summary>
    private static (Exception? Error, long Allocated) Measure(Action decode)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            decode();
            return (null, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        catch (Exception ex)
        {
            return (ex, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    private static PngImage Decode(byte[] file, PngReadOptions? options = null) => Png.Decode(new MemoryStream(file), options);

    [Fact]
    public void Huge_image_is_refused_from_its_header_at_PILs_budget()
    {
        var bomb = HostilePng.HugeIhdr();
        Assert.InRange(bomb.Length, 1, 1 * Megabyte);
        var (error, allocated) = Measure(() => Decode(bomb));
        Assert.Equal("image size 16384x16384 is 268,435,456 pixels, over the pixel budget of 178,956,970",
            Assert.IsType<PixelBudgetException>(error).Message);
        Assert.InRange(allocated, 0, Megabyte);
    }

    [Fact]
    public void Huge_16_bit_image_is_refused_and_never_overflows()
    {
        var bomb = HostilePng.Huge16Bit();
        var (error, allocated) = Measure(() => Decode(bomb));
        Assert.IsType<PixelBudgetException>(error);
        Assert.InRange(allocated, 0, Megabyte);
        // Raised past what one buffer holds: a clear refusal, not "Arithmetic operation resulted in an overflow".
        var wide = HostilePng.File(HostilePng.Header(65536, 32768, 16, 6), HostilePng.Chunk("IDAT", DeflatedZeros.Zlib(1000)));
        var beyond = Assert.Throws<PixelBudgetException>(() => Decode(wide, new PngReadOptions { MaxPixels = long.MaxValue }));
        Assert.Equal("image size 65536x32768 with 4 channels needs 8,589,934,592 bytes, more than one buffer holds (2,147,483,591)", beyond.Message);
    }

    [Fact]
    public void Budget_is_the_operators_setting()
    {
        var image = HostilePng.Zeros(8, 8);
        Assert.Equal(64, Decode(image, new PngReadOptions { MaxPixels = 64 }).Image.Pixels.Length / 3);
        Assert.Equal("image size 8x8 is 64 pixels, over the pixel budget of 63",
            Assert.Throws<PixelBudgetException>(() => Decode(image, new PngReadOptions { MaxPixels = 63 })).Message);
    }

    [Fact]
    public void Wide_16_bit_rows_decode_row_by_row()
    {
        var image = Decode(HostilePng.Zeros(16384, 3, bitDepth: 16, colorType: 6)).Image;
        Assert.Equal((16384, 3, 4), (image.Width, image.Height, image.Channels));
        Assert.All(image.Pixels, p => Assert.Equal(0, p));
    }

    [Theory]
    [InlineData("zTXt")]
    [InlineData("iTXt")]
    public void Text_bomb_that_nothing_reads_is_never_inflated(string type)
    {
        var bomb = HostilePng.TextBomb(type, "comment", 4L << 30);
        Assert.InRange(bomb.Length, 1, 8 * Megabyte);
        PngImage? image = null;
        var (error, allocated) = Measure(() => image = Decode(bomb, NoText));
        Assert.Null(error);
        Assert.Empty(image!.Text);
        Assert.InRange(allocated, 0, 2 * Megabyte);
    }

    [Theory]
    [InlineData("zTXt")]
    [InlineData("iTXt")]
    public void Text_bomb_that_is_read_stops_at_the_text_limit(string type)
    {
        var bomb = HostilePng.TextBomb(type, "workflow", 4L << 30);
        var (error, allocated) = Measure(() => Decode(bomb));
        Assert.Equal($"{type} chunk 'workflow' takes the text past the limit of 67,108,864 bytes", Assert.IsType<PngException>(error).Message);
        Assert.InRange(allocated, 0, 4 * PngReadOptions.PilMaxTextBytes);
    }

    [Fact]
    public void Text_under_the_limit_is_read_and_other_keywords_are_skipped()
    {
        var file = HostilePng.TextBomb("zTXt", "prompt", 1000);
        Assert.Equal(new string('\0', 1000), Decode(file).GetText("prompt"));
        Assert.Empty(Decode(file, new PngReadOptions { TextKeywords = new HashSet<string> { "workflow" } }).Text);
    }

    [Fact]
    public void Icc_profile_bomb_is_never_inflated()
    {
        var bomb = HostilePng.IccpBomb(4L << 30);
        var (error, allocated) = Measure(() => Decode(bomb));
        Assert.Null(error);
        Assert.InRange(allocated, 0, 2 * Megabyte);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(100)]
    public void Truncated_image_data_is_reported_as_truncation(int keep) =>
        Assert.Matches("^the file ends inside chunk IDAT at byte \\d+ \\(truncated\\)$",
            Assert.Throws<PngException>(() => Png.Decode(new NonSeekable(HostilePng.TruncatedIdat(keep)))).Message);

    [Fact]
    public void Image_data_cut_short_inside_a_complete_chunk_says_how_much_there_was()
    {
        var file = HostilePng.File(HostilePng.Header(64, 64, 8, 2), HostilePng.Chunk("IDAT", DeflatedZeros.Zlib(1000)));
        Assert.Equal("image data ends early: 1000 of 12352 bytes", Assert.Throws<PngException>(() => Decode(file)).Message);
    }

    [Fact]
    public void Chunk_claiming_2_GB_on_a_stream_of_unknown_length_ends_at_its_real_end()
    {
        byte[] claim = [0x7F, 0xFF, 0xFF, 0xFF, (byte)'t', (byte)'E', (byte)'X', (byte)'t', (byte)'a', 0, (byte)'b'];
        var file = HostilePng.Signature.Concat(HostilePng.Header(1, 1, 8, 0)).Concat(claim).ToArray();
        var (error, allocated) = Measure(() => Png.Decode(new NonSeekable(file)));
        Assert.Matches("^the file ends inside chunk tEXt at byte \\d+ \\(truncated\\)$", Assert.IsType<PngException>(error).Message);
        Assert.InRange(allocated, 0, Megabyte);
    }

    [Fact]
    public void Oversized_palette_is_refused_unread() =>
        Assert.Equal("PLTE holds 1000000 bytes, not 3 per entry for 1 to 256 entries",
            Assert.Throws<PngException>(() => Decode(HostilePng.File(HostilePng.Header(1, 1, 8, 3), HostilePng.Chunk("PLTE", new byte[1_000_000])))).Message);

    [Fact]
    public void Hundred_thousand_ancillary_chunks_are_walked_in_bounded_memory()
    {
        var noise = Enumerable.Repeat(HostilePng.Chunk("zzZz", [1, 2, 3]), 100_000).SelectMany(c => c).ToArray();
        var file = HostilePng.Zeros(4, 4, extraChunks: noise);
        var (error, allocated) = Measure(() => Decode(file));
        Assert.Null(error);
        Assert.InRange(allocated, 0, 8 * Megabyte);
    }

    /// <summary>A stream that cannot tell its length, as a socket or pipe: truncation shows only when the data runs out.</summary>
    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
