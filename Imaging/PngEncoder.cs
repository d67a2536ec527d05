using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Workflow.Imaging;

/// <summary>
/// Writes 8-bit gray, gray+alpha, RGB or RGBA images. Each row gets the filter whose output has the smallest sum of
/// absolute values (the heuristic libpng uses); text goes before the image data, as PIL writes it.
/// </summary>
internal static class PngEncoder
{
    public static void Write(Stream output, RasterImage image, IEnumerable<PngText> text, CompressionLevel level)
    {
        output.Write(Png.Signature);
        WriteChunk(output, "IHDR", Header(image));
        foreach (var entry in text)
            WriteChunk(output, IsLatin1(entry) ? "tEXt" : "iTXt", TextChunk(entry));
        WriteChunk(output, "IDAT", CompressedRows(image, level));
        WriteChunk(output, "IEND", []);
    }

    private static byte[] Header(RasterImage image)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), image.Height);
        header[8] = 8;
        header[9] = image.Channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 };
        return header;   // compression 0, filter method 0, no interlace
    }

    private static byte[] CompressedRows(RasterImage image, CompressionLevel level)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, level, leaveOpen: true))
        {
            int stride = image.Stride, bpp = image.Channels;
            var previous = new byte[stride];
            var candidate = new byte[stride];
            var best = new byte[stride + 1];
            for (int y = 0; y < image.Height; y++)
            {
                var row = image.Pixels.AsSpan(y * stride, stride);
                long bestCost = long.MaxValue;
                for (byte filter = PngFilters.None; filter <= PngFilters.Paeth; filter++)
                {
                    PngFilters.Filter(filter, row, previous, bpp, candidate);
                    long cost = Cost(candidate);
                    if (cost >= bestCost)
                        continue;
                    bestCost = cost;
                    best[0] = filter;
                    candidate.CopyTo(best, 1);
                }
                zlib.Write(best);
                row.CopyTo(previous);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Sum of the filtered bytes read as signed values: small residuals compress well.</summary>
    private static long Cost(ReadOnlySpan<byte> filtered)
    {
        long sum = 0;
        foreach (var b in filtered)
            sum += Math.Abs((int)(sbyte)b);
        return sum;
    }

    private static bool IsLatin1(PngText entry) => entry.Text.All(c => c is > '\0' and <= '\u00FF');

    /// <summary>tEXt: keyword NUL text (Latin-1); iTXt: keyword NUL 0 0 NUL NUL text (UTF-8, uncompressed).</summary>
    private static byte[] TextChunk(PngText entry)
    {
        if (entry.Keyword.Length is < 1 or > 79 || !entry.Keyword.All(c => c is >= ' ' and <= '~'))
            throw new ArgumentException($"PNG text keyword '{entry.Keyword}' must be 1 to 79 printable Latin-1 characters.");
        var keyword = Encoding.Latin1.GetBytes(entry.Keyword);
        return IsLatin1(entry)
            ? [.. keyword, 0, .. Encoding.Latin1.GetBytes(entry.Text)]
            : [.. keyword, 0, 0, 0, 0, 0, .. Encoding.UTF8.GetBytes(entry.Text)];
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(typeBytes, data));
        output.Write(word);
    }
}
