using System.Text.RegularExpressions;
using Workflow.Host.Execution;
using Workflow.Imaging;
using Workflow.Nodes.Core.Images;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Tests;

/// <summary>
/// PreviewImage (ComfyUI's SaveImage into temp/, type "temp", prefix ComfyUI_temp_ and five random letters) and
/// SaveImageWebsocket (every image as a PNG preview of a progress step, nothing on disk, run on every prompt).
/// </summary>
public sealed partial class PreviewOutputsTests : IDisposable
{
    private readonly TestEngine _test = CoreEngine.Create();

    public void Dispose() => _test.Dispose();

    private const string Red = """{"1": {"class_type": "EmptyImage", "inputs": {"width": 4, "height": 3, "batch_size": 2, "color": 16711680}},""";

    [Fact]
    public void PreviewImage_writes_pngs_to_temp_and_lists_them_as_temp()
    {
        var result = _test.Run(Red + """ "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}""");

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        var images = result.Outputs[new("2")]["images"]!.AsArray();
        Assert.Equal(2, images.Count);
        var names = images.Select(i => (string)i!["filename"]!).ToList();
        Assert.All(images, i => Assert.Equal(("temp", ""), ((string)i!["type"]!, (string)i["subfolder"]!)));
        Assert.Matches(TempName(), names[0]);
        Assert.EndsWith("_00001_.png", names[0]);
        Assert.EndsWith("_00002_.png", names[1]);
        var picture = Png.Read(Path.Combine(_test.Engine.Paths.Temp, names[0])).Image;
        Assert.Equal((4, 3), (picture.Width, picture.Height));
        Assert.Equal([255, 0, 0], picture.Pixels.Take(3));
        Assert.False(Directory.Exists(_test.Engine.Paths.Output) && Directory.EnumerateFileSystemEntries(_test.Engine.Paths.Output).Any(), "nothing goes to output/");
    }

    [Fact]
    public void SaveImageWebsocket_reports_each_image_as_a_png_preview_and_writes_nothing()
    {
        using var scope = torch.NewDisposeScope();
        var pixels = torch.rand([2, 3, 5, 3], new Generator(1));
        var context = new TestNodeContext(_test.Engine.Paths);

        new SaveImageWebsocket().Execute(context, new ImageBatch(pixels.clone()));

        Assert.Equal([(0L, 2L), (1L, 2L)], context.Progress);
        Assert.Equal(2, context.Previews.Count);
        for (int i = 0; i < 2; i++)
        {
            var expected = ImageConversion.ToRaster(pixels[i]);
            Assert.Equal((5, 3), (context.Previews[i].Width, context.Previews[i].Height));
            Assert.Equal(expected.Pixels, context.Previews[i].Rgb.ToArray());
        }
        Assert.False(Directory.Exists(_test.Engine.Paths.Output) || Directory.Exists(_test.Engine.Paths.Temp), "no file is written");
    }

    [Fact]
    public void SaveImageWebsocket_runs_again_on_an_unchanged_prompt()
    {
        const string workflow = Red + """ "2": {"class_type": "SaveImageWebsocket", "inputs": {"images": ["1", 0]}}}""";
        _test.Run(workflow);
        var again = _test.Run(workflow);

        Assert.Equal(["2"], TestEngine.Ids(again.Executed));
        Assert.Equal(2, _test.Events.OfType<NodeProgress>().Count(p => p.NodeId == "2" && p.Preview is not null));
    }

    [GeneratedRegex("^ComfyUI_temp_[a-z]{5}_00001_\\.png$")]
    private static partial Regex TempName();
}
