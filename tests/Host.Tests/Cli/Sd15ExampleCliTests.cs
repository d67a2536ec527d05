using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflow.Host.Tests.Support;
using Workflow.Imaging;
using Workflow.Testing;

namespace Workflow.Host.Tests.Cli;

/// <summary>
/// The SD1.5 examples of img2img, inpainting and a hires fix run from the command line on the tiny checkpoint setup links
/// (their pictures from input/), each reporting the PNG it wrote, sized as the workflow asks; and PreviewImage's
/// temp files reported the same way.
/// </summary>
public sealed partial class Sd15ExampleCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("workflow-sd15-examples-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>(file, expected width and height): img2img scales its picture to 64²; inpainting keeps the 64² picture; the hires fix doubles 64².</summary>
    [GoldenTheory("sd15-tiny")]
    [InlineData("sd15_img2img.json", 64, 64)]
    [InlineData("sd15_inpaint.json", 64, 64)]
    [InlineData("sd15_hires_fix.json", 128, 128)]
    public void Example_runs_and_writes_its_png(string name, int width, int height)
    {
        FixtureModels.Install(_dir);

        var outcome = CliRunner.Run(_dir, new CliRunner.Settings(TimeSpan.FromMinutes(6)), "run", Path.Combine(Golden.RepoRoot, "workflows", name));

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        var file = Assert.Single(Wrote().Matches(outcome.Stdout)).Groups["file"].Value;
        var prefix = (string)JsonNode.Parse(FixtureModels.Workflow(name))!["9"]!["inputs"]!["filename_prefix"]!;
        Assert.Equal($"output/{prefix}_00001_.png", file);
        var picture = Png.Read(Path.Combine(_dir, file)).Image;
        Assert.Equal((width, height), (picture.Width, picture.Height));
    }

    [Fact]
    public void PreviewImage_files_are_reported_under_temp()
    {
        var workflow = Path.Combine(_dir, "preview.json");
        File.WriteAllText(workflow, """
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 255}},
             "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
            """);

        var outcome = CliRunner.Run(_dir, new CliRunner.Settings(), "run", workflow);

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        var file = Assert.Single(Wrote().Matches(outcome.Stdout)).Groups["file"].Value;
        Assert.Matches("^temp/ComfyUI_temp_[a-z]{5}_00001_\\.png$", file);
        Assert.True(Png.IsPng(File.ReadAllBytes(Path.Combine(_dir, file))));
    }

    [GeneratedRegex(@"^#(?<node>\S+) wrote (?<file>\S+\.png)$", RegexOptions.Multiline)]
    private static partial Regex Wrote();
}
