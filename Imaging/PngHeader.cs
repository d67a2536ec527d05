using System.Buffers.Binary;

namespace Workflow.Imaging;

/// <summary>The IHDR chunk, checked against the combinations the PNG spec allows (§11.2.2).</summary>
internal sealed record PngHeader(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
{
    public int SamplesPerPixel => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };

    /// <summary>Bytes per complete pixel for the filters, at least 1 (spec §9.2).</summary>
    public int FilterBpp => Math.Max(1, SamplesPerPixel * BitDepth / 8);

    /// <summary>Bytes of one row of <paramref name="width"/> pixels (at most the image's width, whose row <see cref="Check"/> bounds).</summary>
    public int RowBytes(int width) => (int)(((long)width * SamplesPerPixel * BitDepth + 7) / 8);

    public static PngHeader Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length != 13)
            throw new PngException($"IHDR is {data.Length} bytes, not 13");
        var header = new PngHeader(
            BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]),
            data[8], data[9], data[12] == 1);
        header.Check(data[10], data[11], data[12]);
        return header;
    }

    private void Check(byte compression, byte filterMethod, byte interlace)
    {
        if (Width <= 0 || Height <= 0)
            throw new PngException($"image size {Width}x{Height} is not positive");
        int[] allowed = ColorType switch
        {
            0 => [1, 2, 4, 8, 16],
            3 => [1, 2, 4, 8],
            2 or 4 or 6 => [8, 16],
            _ => throw new PngException($"unknown colour type {ColorType}"),
        };
        if (!allowed.Contains(BitDepth))
            throw new PngException($"bit depth {BitDepth} is not allowed for colour type {ColorType}");
        if (compression != 0 || filterMethod != 0 || interlace > 1)
            throw new PngException($"unknown compression ({compression}), filter method ({filterMethod}) or interlace method ({interlace})");
        if (((long)Width * SamplesPerPixel * BitDepth + 7) / 8 + 1 > Array.MaxLength)
            throw new PngException($"a row of {Width} pixels at {BitDepth} bits per sample is more than one buffer holds");
    }
}
