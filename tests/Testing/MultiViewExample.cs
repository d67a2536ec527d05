using System.Text.Json.Nodes;
using Workflow.Imaging;

namespace Workflow.Testing;

/// <summary>
/// What a multi-view example workflow (workflows/multiview_from_*.json) must write, read from the workflow itself:
/// from the SaveImage after VAEDecode, num_views pictures of the sampled size doubled by the learned upscale, all
/// different; from the SaveImage after ImageGrid, one picture laying those views out, columns to a row.
/// </summary>
public sealed record MultiViewExample(string ViewsNode, string GridNode, int Views, int Width, int Height, int Columns)
{
    public static MultiViewExample Of(string workflowJson)
    {
        var nodes = JsonNode.Parse(workflowJson)!.AsObject();
        string Id(string classType) => nodes.Single(n => (string)n.Value!["class_type"]! == classType).Key;
        string SaveOf(string source) => nodes.Single(n => (string)n.Value!["class_type"]! == "SaveImage" && (string)n.Value!["inputs"]!["images"]![0]! == source).Key;
        var latent = nodes[Id("EmptyLatentImage")]!["inputs"]!;
        return new MultiViewExample(SaveOf(Id("VAEDecode")), SaveOf(Id("ImageGrid")), (int)nodes[Id("MultiViewUNet")]!["inputs"]!["num_views"]!,
            2 * (int)latent["width"]!, 2 * (int)latent["height"]!, (int)nodes[Id("ImageGrid")]!["inputs"]!["columns"]!);
    }

    /// <summary>The views are as many as asked, of the doubled size, no two alike, and the grid is exactly them side by side.</summary>
    public void AssertOutputs(IReadOnlyList<RasterImage> views, RasterImage grid)
    {
        Assert.Equal(Views, views.Count);
        Assert.All(views, view => Assert.Equal((Width, Height), (view.Width, view.Height)));
        for (var i = 0; i < views.Count; i++)
        {
            for (var j = i + 1; j < views.Count; j++)
                Assert.False(views[i].Pixels.AsSpan().SequenceEqual(views[j].Pixels), $"views {i} and {j} are the same picture");
        }
        int rows = (Views + Columns - 1) / Columns;
        Assert.Equal((Columns * Width, rows * Height), (grid.Width, grid.Height));
        for (var v = 0; v < views.Count; v++)
            Assert.True(Cell(grid, v).SequenceEqual(views[v].Pixels), $"the grid's cell {v} is not view {v}");
    }

    /// <summary>The pixels of the grid's cell <paramref name="index"/>, row by row.</summary>
    private byte[] Cell(RasterImage grid, int index)
    {
        var (top, left) = (index / Columns * Height, index % Columns * Width);
        var rowBytes = Width * grid.Channels;
        var cell = new byte[Height * rowBytes];
        for (var y = 0; y < Height; y++)
            Array.Copy(grid.Pixels, (top + y) * grid.Stride + left * grid.Channels, cell, y * rowBytes, rowBytes);
        return cell;
    }
}
