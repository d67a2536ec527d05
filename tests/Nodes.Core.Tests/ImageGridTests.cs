using Workflow.Nodes.Core.Images;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Tests;

/// <summary>ImageGrid places image i at row i / columns, column i % columns, and fills the last row's spare cells with black.</summary>
public sealed class ImageGridTests
{
    [Theory]
    [InlineData(4, 4)]
    [InlineData(5, 2)]
    [InlineData(3, 8)]
    public void Each_image_lands_in_its_cell(int count, int columns)
    {
        const int height = 3, width = 5;
        using var images = new ImageBatch(torch.rand([count, height, width, 3]));

        using var grid = new ImageGrid().Execute(images, columns);

        var perRow = System.Math.Min(columns, count);
        var rows = (count + perRow - 1) / perRow;
        Assert.Equal([1L, rows * height, perRow * width, 3L], grid.Pixels.shape);
        using var scope = torch.NewDisposeScope();
        for (var cell = 0; cell < rows * perRow; cell++)
        {
            var (row, column) = (cell / perRow, cell % perRow);
            var placed = grid.Pixels[0].slice(0, row * height, (row + 1) * height).slice(1, column * width, (column + 1) * width);
            var expected = cell < count ? images.Pixels[cell] : torch.zeros([height, width, 3]);
            Assert.True(placed.equal(expected), $"cell {cell} (row {row}, column {column}) holds the wrong pixels");
        }
    }
}
