namespace Workflow.Imaging;

/// <summary>
/// Pillow's resampling (libImaging/Resample.c, Pillow 9.4), bit for bit: a separable convolution whose support grows
/// with the reduction (antialiasing), weights normalized then fixed-point with 22 fraction bits, a horizontal pass
/// into 8-bit rows, then a vertical pass, each rounding and clamping to 0–255. A pass whose size does not change is
/// skipped. transformers' image processors resize through Pillow, so preprocessing that must equal theirs uses this.
/// Channels are resampled independently (no alpha premultiplication: callers drop alpha first, as CLIP does).
/// </summary>
public static class PilResample
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Image.resize(size, Image.BICUBIC): Keys' cubic with a = −0.5, support 2.</summary>
    public static RasterImage Bicubic(RasterImage image, int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"A resized image needs a positive size, not {width}x{height}.");
        var resized = image;
        if (width != image.Width)
            resized = Horizontal(resized, width, Coefficients(image.Width, width));
        if (height != image.Height)
            resized = Vertical(resized, height, Coefficients(image.Height, height));
        return resized;
    }

    private static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0)
            return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /// <summary>precompute_coeffs then normalize_coeffs_8bpc: per output pixel, the first input pixel and the fixed-point weights.</summary>
    private static (int First, int[] Weights)[] Coefficients(int inSize, int outSize)
    {
        const double filterSupport = 2.0;
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filterSupport * filterScale;
        var coefficients = new (int, int[])[outSize];
        for (var xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double reciprocal = 1.0 / filterScale;
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var weights = new double[xmax];
            double total = 0;
            for (var x = 0; x < xmax; x++)
                total += weights[x] = Cubic((x + xmin - center + 0.5) * reciprocal);
            var fixedPoint = new int[xmax];
            for (var x = 0; x < xmax; x++)
            {
                var weight = total != 0.0 ? weights[x] / total : weights[x];
                fixedPoint[x] = (int)(weight < 0 ? -0.5 + weight * (1 << PrecisionBits) : 0.5 + weight * (1 << PrecisionBits));
            }
            coefficients[xx] = (xmin, fixedPoint);
        }
        return coefficients;
    }

    private static RasterImage Horizontal(RasterImage image, int width, (int First, int[] Weights)[] coefficients)
    {
        int channels = image.Channels;
        var output = new byte[(long)width * image.Height * channels];
        for (var y = 0; y < image.Height; y++)
        {
            int row = y * image.Stride;
            for (var x = 0; x < width; x++)
            {
                var (first, weights) = coefficients[x];
                for (var c = 0; c < channels; c++)
                {
                    int sum = 1 << (PrecisionBits - 1);
                    for (var k = 0; k < weights.Length; k++)
                        sum += image.Pixels[row + (first + k) * channels + c] * weights[k];
                    output[((long)y * width + x) * channels + c] = Clip8(sum);
                }
            }
        }
        return new RasterImage(width, image.Height, channels, output);
    }

    private static RasterImage Vertical(RasterImage image, int height, (int First, int[] Weights)[] coefficients)
    {
        int stride = image.Stride;
        var output = new byte[(long)height * stride];
        for (var y = 0; y < height; y++)
        {
            var (first, weights) = coefficients[y];
            for (var i = 0; i < stride; i++)
            {
                int sum = 1 << (PrecisionBits - 1);
                for (var k = 0; k < weights.Length; k++)
                    sum += image.Pixels[(first + k) * stride + i] * weights[k];
                output[(long)y * stride + i] = Clip8(sum);
            }
        }
        return new RasterImage(image.Width, height, image.Channels, output);
    }

    /// <summary>The sum's integer part (an arithmetic shift, so it floors), clamped to a byte.</summary>
    private static byte Clip8(int sum) => (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);
}
