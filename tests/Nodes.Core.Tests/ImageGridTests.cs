using Workflow.Imaging;
using Workflow.Nodes.Core.Images;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Tests;

/// <summary>
/// ImageGrid places image i at row i / columns, column i % columns, and fills the last row's spare cells with black;
/// labels are PixelFont text in white on a black box in their cell's top-left corner, the rest of the cell untouched.
/// </summary>
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

    [Fact]
    public void Labels_are_drawn_in_their_cells_corner_and_nothing_else_changes()
    {
        const int height = 128, width = 96, scale = height / 64;
        using var scope = torch.NewDisposeScope();
        using var images = new ImageBatch(torch.rand([3, height, width, 3]) * 0.5 + 0.25);   // never pure black or white

        using var grid = new ImageGrid().Execute(images, columns: 2, labels: "front, ,back");
        using var bare = new ImageGrid().Execute(images, columns: 2);

        var (labelled, unlabelled) = (grid.Pixels[0], bare.Pixels[0]);
        var boxHeight = (PixelFont.GlyphHeight + 2) * scale;
        int Box(string label) => (label.Length * PixelFont.Advance + 1) * scale;
        using var changed = (labelled - unlabelled).abs().sum(-1).gt(0);
        long Changed(int top, int bottom, int left, int right) => changed.slice(0, top, bottom).slice(1, left, right).sum().item<long>();
        Assert.Equal(boxHeight * Box("front"), Changed(0, boxHeight, 0, Box("front")));              // every pixel of a box is black or white
        Assert.Equal(boxHeight * Box("back"), Changed(height, height + boxHeight, 0, Box("back")));
        Assert.Equal(0, Changed(0, boxHeight, Box("front"), 2 * width));                             // the blank label leaves cell 1 bare
        Assert.Equal(0, Changed(boxHeight, height, 0, 2 * width));
        Assert.Equal(0, Changed(height, height + boxHeight, Box("back"), 2 * width));
        Assert.Equal(0, Changed(height + boxHeight, 2 * height, 0, 2 * width));
        for (var row = 0; row < PixelFont.GlyphHeight; row++)
        {
            for (var column = 0; column < PixelFont.GlyphWidth; column++)
            {
                var pixel = labelled[(1 + row) * scale][(1 + column) * scale];
                var expected = PixelFont.Inked('F', column, row) ? 1f : 0f;
                Assert.True(pixel.eq(expected).all().item<bool>(), $"'F' at ({column}, {row}) should be {expected}");
            }
        }
    }

    [Fact]
    public void A_label_on_a_single_image_leaves_the_input_as_it_was()
    {
        using var scope = torch.NewDisposeScope();
        using var images = new ImageBatch(torch.full([1, 16, 16, 3], 0.5f));

        using var grid = new ImageGrid().Execute(images, columns: 4, labels: "x");

        Assert.True(images.Pixels.eq(0.5f).all().item<bool>());
        Assert.False(grid.Pixels.eq(0.5f).all().item<bool>());
    }

    [Fact]
    public void More_labels_than_images_are_refused_naming_labels()
    {
        using var images = new ImageBatch(torch.rand([2, 4, 4, 3]));

        var error = Assert.Throws<InputException>(() => new ImageGrid().Execute(images, 2, "a, b, c"));

        Assert.Contains("labels", error.Message);
        Assert.Contains("3 labels for 2 images", error.Message);
    }
}
