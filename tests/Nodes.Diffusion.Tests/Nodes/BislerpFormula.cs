namespace Workflow.Nodes.Diffusion.Tests.Nodes;

/// <summary>
/// bislerp written from its definition, in doubles, independent of the tensor code: each output cell along a side
/// sits at the bilinear source position p = (i + ½)·old/new − ½ (clamped to [0, old − 1]); its two neighbours' channel
/// vectors are slerped by the fraction of p (unit vectors rotated, lengths mixed linearly; nearly parallel: the first;
/// nearly opposite: mixed linearly; zero vectors normalise to zero); the width first, then the height.
/// </summary>
internal static class BislerpFormula
{
    /// <summary><paramref name="values"/> is [1, C, H, W] flattened; returns [1, C, H', W'] flattened.</summary>
    public static double[] Resize(double[] values, int channels, int height, int width, int newHeight, int newWidth)
    {
        double[] Cell(double[] grid, int w, int y, int x) => [.. Enumerable.Range(0, channels).Select(c => grid[c * (grid.Length / channels) + y * w + x])];
        var alongWidth = new double[channels * height * newWidth];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < newWidth; x++)
            {
                var (first, second, r) = Neighbours(x, width, newWidth);
                Store(alongWidth, newWidth, y, x, Slerp(Cell(values, width, y, first), Cell(values, width, y, second), r));
            }
        var result = new double[channels * newHeight * newWidth];
        for (int y = 0; y < newHeight; y++)
            for (int x = 0; x < newWidth; x++)
            {
                var (first, second, r) = Neighbours(y, height, newHeight);
                Store(result, newWidth, y, x, Slerp(Cell(alongWidth, newWidth, first, x), Cell(alongWidth, newWidth, second, x), r));
            }
        return result;

        void Store(double[] grid, int w, int y, int x, double[] vector)
        {
            for (int c = 0; c < channels; c++)
                grid[c * (grid.Length / channels) + y * w + x] = vector[c];
        }
    }

    private static (int First, int Second, double Ratio) Neighbours(int index, int oldLength, int newLength)
    {
        double position = Math.Clamp((index + 0.5) * oldLength / newLength - 0.5, 0, oldLength - 1);
        int first = (int)Math.Floor(position);
        return (first, Math.Min(first + 1, oldLength - 1), position - first);
    }

    private static double[] Slerp(double[] b1, double[] b2, double r)
    {
        double n1 = Norm(b1), n2 = Norm(b2);
        var u1 = b1.Select(v => n1 == 0 ? 0 : v / n1).ToArray();
        var u2 = b2.Select(v => n2 == 0 ? 0 : v / n2).ToArray();
        double dot = u1.Zip(u2, (a, b) => a * b).Sum();
        if (dot > 1 - 1e-5)
            return b1;
        if (dot < 1e-5 - 1)
            return [.. b1.Zip(b2, (a, b) => a * (1 - r) + b * r)];
        double omega = Math.Acos(dot), so = Math.Sin(omega), length = n1 * (1 - r) + n2 * r;
        return [.. u1.Zip(u2, (a, b) => (Math.Sin((1 - r) * omega) / so * a + Math.Sin(r * omega) / so * b) * length)];
    }

    private static double Norm(double[] v) => Math.Sqrt(v.Sum(x => x * x));
}
