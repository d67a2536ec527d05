using Workflow.Imaging;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Images;

/// <summary>
/// Labels written into the cells of an image grid: <see cref="PixelFont"/> text in white on a black box in each cell's
/// top-left corner, the font one pixel per cell below 128-pixel-high cells and a pixel more per further 64; cut to the cell.
/// </summary>
internal static class GridLabels
{
    /// <summary>Writes label i into cell i of <paramref name="grid"/> [1, H, W, C] (cells of <paramref name="cellHeight"/> × <paramref name="cellWidth"/>, <paramref name="perRow"/> to a row).</summary>
    public static void Draw(Tensor grid, IReadOnlyList<string> labels, int perRow, long cellHeight, long cellWidth)
    {
        int scale = (int)System.Math.Max(1, cellHeight / 64);
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i].Length == 0)
                continue;
            using var scope = torch.NewDisposeScope();
            var patch = Patch(labels[i], scale, cellHeight, cellWidth, grid.shape[3]).to(grid.dtype, grid.device);
            long top = i / perRow * cellHeight, left = i % perRow * cellWidth;
            grid.narrow(1, top, patch.shape[1]).narrow(2, left, patch.shape[2]).copy_(patch);
        }
    }

    /// <summary>The label's box [1, h, w, C]: a font cell of margin around the text, no larger than the grid cell.</summary>
    private static Tensor Patch(string label, int scale, long maxHeight, long maxWidth, long channels)
    {
        int height = (int)System.Math.Min(maxHeight, (PixelFont.GlyphHeight + 2) * scale);
        int width = (int)System.Math.Min(maxWidth, (label.Length * PixelFont.Advance + 1) * scale);
        var values = new float[height * width * channels];
        for (var i = 0; i < label.Length; i++)
        {
            for (var row = 0; row < PixelFont.GlyphHeight; row++)
            {
                for (var column = 0; column < PixelFont.GlyphWidth; column++)
                {
                    if (PixelFont.Inked(label[i], column, row))
                        Ink(values, ((1 + i * PixelFont.Advance + column) * scale, (1 + row) * scale), scale, (width, height, (int)channels));
                }
            }
        }
        return torch.tensor(values, [1, height, width, channels]);
    }

    /// <summary>One font cell, <paramref name="scale"/> pixels square at <paramref name="at"/>, set to white where it falls inside the box.</summary>
    private static void Ink(float[] values, (int X, int Y) at, int scale, (int Width, int Height, int Channels) box)
    {
        for (var y = at.Y; y < System.Math.Min(at.Y + scale, box.Height); y++)
        {
            for (var x = at.X; x < System.Math.Min(at.X + scale, box.Width); x++)
                Array.Fill(values, 1f, (y * box.Width + x) * box.Channels, box.Channels);
        }
    }
}
