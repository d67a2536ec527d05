using System.Text.Json.Nodes;
using Workflow.Host.Execution;
using Workflow.Imaging;
using Workflow.Testing;

namespace Workflow.Nodes.Core.Tests;

/// <summary>LoadImage and SaveImage through the engine: pixels survive, alpha becomes the mask, names and metadata as ComfyUI writes them.</summary>
public sealed class ImageNodesTests : IDisposable
{
    private readonly TestEngine _test = CoreEngine.Create();

    public void Dispose() => _test.Dispose();

    private string Input => Directory.CreateDirectory(_test.Engine.Paths.Input).FullName;

    private static RasterImage Pattern(int channels) =>
        new(5, 3, channels, Enumerable.Range(0, 5 * 3 * channels).Select(i => (byte)(i * 17 % 256)).ToArray());

    private ExecutionResult LoadAndSave(string image, string prefix = "copy", int output = 0) => _test.Run($$$"""
        {"1": {"class_type": "LoadImage", "inputs": {"image": "{{{image}}}"}},
         "2": {"class_type": "SaveImage", "inputs": {"images": ["1", {{{output}}}], "filename_prefix": "{{{prefix}}}"}}
        }
        """);

    [Fact]
    public void Rgb_png_round_trips_through_load_and_save()
    {
        var original = Pattern(3);
        File.WriteAllBytes(Path.Combine(Input, "rgb.png"), Png.Encode(original));
        var result = LoadAndSave("rgb.png");
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(original.Pixels, Png.Read(Path.Combine(_test.Engine.Paths.Output, "copy_00001_.png")).Image.Pixels);
    }

    [Fact]
    public void Alpha_becomes_the_mask_and_the_image_is_rgb()
    {
        File.WriteAllBytes(Path.Combine(Input, "rgba.png"), Png.Encode(Pattern(4)));
        var node = new Images.LoadImage();
        using var outputs = new Disposer(node.Execute(new TestNodeContext(_test.Engine.Paths), "rgba.png"));
        var (image, mask) = (outputs.Value.Image, outputs.Value.Mask);
        Assert.Equal([1L, 3L, 5L, 3L], image.Pixels.shape);
        Assert.Equal([1L, 3L, 5L], mask.Values.shape);
        var alpha = Pattern(4).Pixels.Where((_, i) => i % 4 == 3).Select(a => 1f - a / 255f).ToArray();
        Assert.Equal(alpha, mask.Values.ToArray<float>(), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void Image_without_alpha_gets_ComfyUIs_empty_64_by_64_mask()
    {
        File.WriteAllBytes(Path.Combine(Input, "gray.png"), Png.Encode(Pattern(1)));
        using var outputs = new Disposer(new Images.LoadImage().Execute(new TestNodeContext(_test.Engine.Paths), "gray.png"));
        Assert.Equal([1L, 64L, 64L], outputs.Value.Mask.Values.shape);
        Assert.Equal([1L, 3L, 5L, 3L], outputs.Value.Image.Pixels.shape);
    }

    [Fact]
    public void Batch_is_saved_as_numbered_files_with_the_prompt_embedded()
    {
        File.WriteAllBytes(Path.Combine(Input, "rgb.png"), Png.Encode(Pattern(3)));
        var result = _test.Run("""
            {"1": {"class_type": "LoadImage", "inputs": {"image": "rgb.png"}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "run/%width%x%height%"}},
             "3": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "run/%width%x%height%"}, "_meta": {"title": "again"}}}
            """);
        var names = new[] { "2", "3" }.Select(id => (string)result.Outputs[new(id)]["images"]![0]!["filename"]!).Order().ToList();
        Assert.Equal(["5x3_00001_.png", "5x3_00002_.png"], names);
        Assert.Equal("run", (string)result.Outputs[new("2")]["images"]![0]!["subfolder"]!);
        var prompt = JsonNode.Parse(Png.Read(Path.Combine(_test.Engine.Paths.Output, "run", "5x3_00001_.png")).GetText("prompt")!)!;
        Assert.Equal("LoadImage", (string)prompt["1"]!["class_type"]!);
    }

    [Fact]
    public void Annotated_name_reads_from_the_output_folder()
    {
        Directory.CreateDirectory(_test.Engine.Paths.Output);
        File.WriteAllBytes(Path.Combine(_test.Engine.Paths.Output, "made.png"), Png.Encode(Pattern(3)));
        Assert.Equal(ExecutionStatus.Succeeded, LoadAndSave("made.png [output]").Status);
    }

    [Fact]
    public void Missing_file_is_a_validation_error()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "LoadImage", "inputs": {"image": "nowhere.png"}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0]}}}
            """);
        var error = result.NodeErrors[new("1")].Errors.Single();
        Assert.Equal(("custom_validation_failed", "image - Invalid image file: nowhere.png"), (error.Type, error.Details));
    }

    [Fact]
    public void File_that_is_not_an_image_fails_naming_the_input()
    {
        File.WriteAllText(Path.Combine(Input, "notes.png"), "not an image");
        var result = LoadAndSave("notes.png");
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(("1", "LoadImage"), (result.Failure!.NodeId, result.Failure.ClassType));
        Assert.Equal("image = 'notes.png': not an image in a format this host reads (JPEG, PNG, WebP, BMP, GIF, ICO)", result.Failure.ExceptionMessage);
    }

    [Fact]
    public void Path_escaping_the_input_folder_is_refused()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "LoadImage", "inputs": {"image": "../secret.png"}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0]}}}
            """);
        Assert.Contains("is outside", result.NodeErrors[new("1")].Errors.Single().Details);
    }

    private sealed class Disposer(Images.LoadImage.Outputs value) : IDisposable
    {
        public Images.LoadImage.Outputs Value { get; } = value;

        public void Dispose()
        {
            Value.Image.Dispose();
            Value.Mask.Dispose();
        }
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => MathF.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
