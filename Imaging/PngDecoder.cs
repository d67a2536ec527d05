using System.IO.Compression;

namespace Workflow.Imaging;

/// <summary>
/// Reads any conforming PNG (all colour types and bit depths, palettes, transparency, Adam7 interlacing) into 8 bits
/// per channel: 16-bit samples keep their high byte and low bit depths are scaled to 0..255, as PIL loads them.
/// The file is streamed: the size is checked against the pixel budget from IHDR before anything is inflated, image
/// data is inflated row by row straight into the pixels, and unwanted chunks are skipped unread (CRCs still checked).
/// A file that is not a readable PNG raises <see cref="PngException"/>; one over the budget <see cref="PixelBudgetException"/>.
/// </summary>
internal static class PngDecoder
{
    private static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    private static readonly (int X, int Y, int Dx, int Dy)[] WholeImage = [(0, 0, 1, 1)];

    /// <summary>The largest PLTE (256 RGB entries) and tRNS (one alpha per palette entry) the spec allows.</summary>
    private const int MaxPaletteBytes = 768, MaxTransparencyBytes = 256;

    public static PngImage Read(Stream stream, PngReadOptions options)
    {
        var chunks = new PngChunkReader(stream);
        chunks.ReadSignature();
        chunks.Next();
        if (chunks.Type != "IHDR")
            throw new PngException("the first chunk is not IHDR");
        if (chunks.Length != 13)
            throw new PngException($"IHDR is {chunks.Length} bytes, not 13");
        var header = PngHeader.Parse(chunks.ReadRest());
        PixelBudget.Check(header.Width, header.Height, 4, options.MaxPixels);

        var texts = new PngTextReader(options);
        byte[]? palette = null, transparency = null;
        RasterImage? image = null;
        for (chunks.Next(); chunks.Type != "IEND"; chunks.Next())
        {
            switch (chunks.Type)
            {
                case "PLTE":
                    palette = Small(chunks, MaxPaletteBytes, "PLTE holds {0} bytes, not 3 per entry for 1 to 256 entries");
                    break;
                case "tRNS":
                    transparency = Small(chunks, MaxTransparencyBytes, "tRNS holds {0} bytes, more than one per palette entry");
                    break;
                case "IDAT" when image is null:
                    image = ReadImage(header, new PixelExpander(header, RequirePalette(header, palette), transparency), new IdatStream(chunks));
                    break;
                case var type when PngTextReader.IsText(type):
                    texts.Read(chunks);
                    break;
                case var type when char.IsUpper(type[0]) && type is not ("IHDR" or "IDAT"):
                    throw new PngException($"unknown critical chunk {type}");
                default:   // ancillary chunks we do not use, and IDAT after the image data: skipped unread
                    chunks.Skip();
                    break;
            }
        }
        return new PngImage(image ?? throw new PngException("no image data (IDAT)"), texts.Texts, header.BitDepth);
    }

    private static byte[] Small(PngChunkReader chunks, int maxBytes, string problem) =>
        chunks.Length <= maxBytes ? chunks.ReadRest() : throw new PngException(string.Format(problem, chunks.Length));

    private static byte[]? RequirePalette(PngHeader header, byte[]? palette) =>
        header.ColorType == 3 && palette is null ? throw new PngException("a palette image has no PLTE chunk") : palette;

    /// <summary>Inflates the image data pass by pass, row by row, into the pixels; then passes over any data left.</summary>
    private static RasterImage ReadImage(PngHeader header, PixelExpander samples, IdatStream idat)
    {
        var pixels = new byte[(long)header.Width * header.Height * samples.Channels];
        var passes = header.Interlaced ? Adam7 : WholeImage;
        long expected = passes.Sum(p => PassSize(header, p) is var (w, h) && w > 0 && h > 0 ? (long)h * (1 + header.RowBytes(w)) : 0);
        try
        {
            using var zlib = new ZLibStream(idat, CompressionMode.Decompress, leaveOpen: true);
            var rows = new RowReader(zlib, expected);
            foreach (var pass in passes)
                ReadPass(header, samples, rows, pass, pixels);
        }
        catch (InvalidDataException ex)
        {
            throw new PngException($"image data is not valid zlib data: {ex.Message}");
        }
        idat.SkipRest();
        return new RasterImage(header.Width, header.Height, samples.Channels, pixels);
    }

    private static (int Width, int Height) PassSize(PngHeader header, (int X, int Y, int Dx, int Dy) p) =>
        ((header.Width - p.X + p.Dx - 1) / p.Dx, (header.Height - p.Y + p.Dy - 1) / p.Dy);

    /// <summary>One pass's rows (filter byte, then the row), each unfiltered against the row before it.</summary>
    private static void ReadPass(PngHeader header, PixelExpander samples, RowReader rows, (int X, int Y, int Dx, int Dy) pass, byte[] pixels)
    {
        var (width, height) = PassSize(header, pass);
        if (width == 0 || height == 0)
            return;
        int rowBytes = header.RowBytes(width);
        var row = new byte[1 + rowBytes];
        var previous = new byte[rowBytes];
        for (int r = 0; r < height; r++)
        {
            rows.Read(row);
            var line = row.AsSpan(1);
            PngFilters.Unfilter(row[0], line, previous, header.FilterBpp);
            long y = pass.Y + (long)r * pass.Dy;
            for (int i = 0; i < width; i++)
                samples.Expand(line, i, pixels.AsSpan((int)((y * header.Width + pass.X + (long)i * pass.Dx) * samples.Channels), samples.Channels));
            line.CopyTo(previous);
        }
    }

    /// <summary>Rows from the inflated data, counted, so data that ends early is reported with how much there was.</summary>
    private sealed class RowReader(Stream inflated, long expected)
    {
        private long _read;

        public void Read(byte[] row)
        {
            int read = inflated.ReadAtLeast(row, row.Length, throwOnEndOfStream: false);
            _read += read;
            if (read < row.Length)
                throw new PngException($"image data ends early: {_read} of {expected} bytes");
        }
    }
}
