using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Images;

/// <summary>
/// Lays a batch of images out as one picture, row by row, <c>columns</c> to a row (the views of a multi-view
/// generation side by side, a seed sweep as a contact sheet). Cells left over in the last row are black.
/// </summary>
[Node("ImageGrid", DisplayName = "Image Grid", Category = "image",
      Description = "Arranges a batch of images into a single grid image.")]
public sealed class ImageGrid : INode
{
    public ImageBatch Execute(
        [Input(Tooltip = "The images to arrange, all of one size.")] ImageBatch images,
        [Int(Min = 1, Max = 256), Input(Tooltip = "Images per row; a batch smaller than this makes a single row.")] int columns = 4)
    {
        using var scope = torch.NewDisposeScope();
        var pixels = images.Pixels;
        var (count, height, width, channels) = (pixels.shape[0], pixels.shape[1], pixels.shape[2], pixels.shape[3]);
        var perRow = System.Math.Min(columns, count);
        var rows = (count + perRow - 1) / perRow;
        if (rows * perRow > count)
            pixels = torch.cat([pixels, torch.zeros([rows * perRow - count, height, width, channels], dtype: pixels.dtype, device: pixels.device)], dim: 0);
        // [rows·columns, H, W, C] → [rows, H, columns, W, C]: each grid row is its images' rows side by side.
        var grid = pixels.reshape(rows, perRow, height, width, channels).permute(0, 2, 1, 3, 4)
            .reshape(1, rows * height, perRow * width, channels).contiguous();
        return new ImageBatch(grid.DetachFromDisposeScope());
    }
}
