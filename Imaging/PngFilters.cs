namespace Workflow.Imaging;

/// <summary>The five PNG row filters (spec §9.2): None, Sub, Up, Average, Paeth; bpp is bytes per complete pixel (at least 1).</summary>
internal static class PngFilters
{
    public const byte None = 0, Sub = 1, Up = 2, Average = 3, Paeth = 4;

    /// <summary>Reverses <paramref name="filter"/> on <paramref name="row"/> in place, given the already reconstructed previous row.</summary>
    public static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int bpp)
    {
        switch (filter)
        {
            case None:
                break;
            case Sub:
                for (int i = bpp; i < row.Length; i++) row[i] += row[i - bpp];
                break;
            case Up:
                for (int i = 0; i < row.Length; i++) row[i] += previous[i];
                break;
            case Average:
                for (int i = 0; i < row.Length; i++) row[i] += (byte)(((i >= bpp ? row[i - bpp] : 0) + previous[i]) >> 1);
                break;
            case Paeth:
                for (int i = 0; i < row.Length; i++) row[i] += PaethPredictor(i >= bpp ? row[i - bpp] : (byte)0, previous[i], i >= bpp ? previous[i - bpp] : (byte)0);
                break;
            default:
                throw new PngException($"unknown row filter type {filter}");
        }
    }

    /// <summary>Writes <paramref name="row"/> filtered with <paramref name="filter"/> into <paramref name="output"/>.</summary>
    public static void Filter(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int bpp, Span<byte> output)
    {
        for (int i = 0; i < row.Length; i++)
        {
            byte left = i >= bpp ? row[i - bpp] : (byte)0, up = previous[i], upLeft = i >= bpp ? previous[i - bpp] : (byte)0;
            output[i] = filter switch
            {
                Sub => (byte)(row[i] - left),
                Up => (byte)(row[i] - up),
                Average => (byte)(row[i] - ((left + up) >> 1)),
                Paeth => (byte)(row[i] - PaethPredictor(left, up, upLeft)),
                _ => row[i],
            };
        }
    }

    private static byte PaethPredictor(byte a, byte b, byte c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
