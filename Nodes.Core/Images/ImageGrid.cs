using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Images;

/// <summary>
/// Lays a batch of images out as one picture, row by row, <c>columns</c> to a row (the views of a multi-view
/// generation side by side, a seed sweep as a contact sheet). Cells left over in the last row are black. Optional
/// labels, one per image, are written into the cells' top-left corners.
/// </summary>
[Node("ImageGrid", DisplayName = "Image Grid", Category = "image",
      Description = "Arranges a batch of images into a single grid image.")]
public sealed class ImageGrid : INode
{
    public ImageBatch Execute(
        [Input(Tooltip = "The images to arrange, all of one size.")] ImageBatch images,
        [Int(Min = 1, Max = 256), Input(Tooltip = "Images per row; a batch smaller than this makes a single row.")] int columns = 4,
        [Input(Tooltip = "Optional: a label per image, comma-separated (\"front, right, back, left\"), written in capitals in each cell's top-left corner; an empty entry leaves its cell bare.")]
        string labels = "")
    {
        using var scope = torch.NewDisposeScope();
        var pixels = images.Pixels;
        var cellLabels = Labels(labels, pixels.shape[0]);
        var (count, height, width, channels) = (pixels.shape[0], pixels.shape[1], pixels.shape[2], pixels.shape[3]);
        var perRow = System.Math.Min(columns, count);
        var rows = (count + perRow - 1) / perRow;
        if (rows * perRow > count)
            pixels = torch.cat([pixels, torch.zeros([rows * perRow - count, height, width, channels], dtype: pixels.dtype, device: pixels.device)], dim: 0);
        // [rows·columns, H, W, C] → [rows, H, columns, W, C]: each grid row is its images' rows side by side.
        var grid = pixels.reshape(rows, perRow, height, width, channels).permute(0, 2, 1, 3, 4)
            .reshape(1, rows * height, perRow * width, channels);
        // A one-image grid is a view of the input: labels are written into a copy, never into an upstream node's output.
        grid = cellLabels.Count > 0 ? grid.clone() : grid.contiguous();
        GridLabels.Draw(grid, cellLabels, (int)perRow, height, width);
        return new ImageBatch(grid.DetachFromDisposeScope());
    }

    private static List<string> Labels(string labels, long images)
    {
        var list = labels.Length == 0 ? [] : labels.Split(',').Select(label => label.Trim()).ToList();
        return list.Count <= images ? list
            : throw new InputException("labels", labels, $"{list.Count} labels for {images} images: give at most one per image");
    }
}
