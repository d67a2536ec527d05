using System.Diagnostics;
using System.Text.Json.Nodes;
using Workflow.Imaging;
using Workflow.Nodes.Core.Video;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Tests;

/// <summary>SaveVideo writes videos ffprobe reads back as written, with the workflow in the container's tags, and fails clearly.</summary>
public sealed class SaveVideoTests : IDisposable
{
    private readonly TestEngine _test = CoreEngine.Create();

    public void Dispose() => _test.Dispose();

    private string Output => _test.Engine.Paths.Output;

    private static readonly PromptMetadata Metadata = new(
        JsonNode.Parse("""{"1": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "a=b;c#d\\e"}}}""")!.AsObject(),
        JsonNode.Parse("""{"workflow": {"nodes": [], "note": "line\nbreak"}}""")!.AsObject());

    private TestNodeContext Context => new(_test.Engine.Paths, metadata: Metadata);

    [Fact]
    public void An_mp4_has_every_frame_at_its_size_and_rate()
    {
        using var frames = GrayRamp(count: 10, width: 64, height: 48);

        var ui = new SaveVideo().Execute(Context, frames, fps: 12, filenamePrefix: "clip");

        TestEngine.AssertJsonEqual("""{"images": [{"filename": "clip_00001_.mp4", "subfolder": "", "type": "output"}], "animated": [true]}""", ui.ToJson());
        var video = Ffprobe.Read(Path.Combine(Output, "clip_00001_.mp4"));
        Assert.Equal(("h264", 64, 48, "12/1", 10, "yuv420p"), (video.Codec, video.Width, video.Height, video.FrameRate, video.Frames, video.PixelFormat));
    }

    [Theory]
    [InlineData(VideoFormat.Mp4, VideoCodec.H265, "hevc")]
    [InlineData(VideoFormat.Mp4, VideoCodec.Av1, "av1")]
    [InlineData(VideoFormat.Webm, VideoCodec.Auto, "vp9")]
    [InlineData(VideoFormat.Webm, VideoCodec.Av1, "av1")]
    public void Each_format_and_codec_writes_a_readable_video(VideoFormat format, VideoCodec codec, string expectedCodec)
    {
        using var frames = GrayRamp(count: 5, width: 64, height: 64);

        var ui = new SaveVideo().Execute(Context, frames, fps: 8, filenamePrefix: "clip", format: format, codec: codec, crf: 30);

        var video = Ffprobe.Read(Path.Combine(Output, (string)ui.ToJson()["images"]![0]!["filename"]!));
        Assert.Equal((expectedCodec, 64, 64, "8/1", 5), (video.Codec, video.Width, video.Height, video.FrameRate, video.Frames));
    }

    [Fact]
    public void Frames_come_back_in_order_with_their_colours()
    {
        using var frames = GrayRamp(count: 6, width: 32, height: 32);

        new SaveVideo().Execute(Context, frames, fps: 10, filenamePrefix: "ramp", crf: 0);

        var decoded = Ffprobe.DecodeRgb(Path.Combine(Output, "ramp_00001_.mp4"));
        const int frameBytes = 32 * 32 * 3;
        Assert.Equal(6 * frameBytes, decoded.Length);
        for (var i = 0; i < 6; i++)
        {
            var mean = decoded.Skip(i * frameBytes).Take(frameBytes).Average(b => b);
            Assert.True(System.Math.Abs(mean - Gray(i) * 255) < 2, $"frame {i}: mean {mean}, written {Gray(i) * 255}");
        }
    }

    [Fact]
    public void Odd_sides_are_padded_to_even_for_yuv420p()
    {
        using var frames = GrayRamp(count: 3, width: 63, height: 47);

        new SaveVideo().Execute(Context, frames, fps: 5, filenamePrefix: "odd");

        var video = Ffprobe.Read(Path.Combine(Output, "odd_00001_.mp4"));
        Assert.Equal((64, 48, 3), (video.Width, video.Height, video.Frames));
    }

    [Theory]
    [InlineData(VideoFormat.Mp4)]
    [InlineData(VideoFormat.Webm)]
    public void The_workflow_is_in_the_containers_tags(VideoFormat format)
    {
        using var frames = GrayRamp(count: 2, width: 32, height: 32);

        var ui = new SaveVideo().Execute(Context, frames, fps: 4, filenamePrefix: "tagged", format: format);

        var tags = Ffprobe.Read(Path.Combine(Output, (string)ui.ToJson()["images"]![0]!["filename"]!)).Tags;
        Assert.Equal(Metadata.Prompt!.ToJsonString(), tags["prompt"]);
        Assert.Equal(Metadata.ExtraPngInfo!["workflow"]!.ToJsonString(), tags["workflow"]);
    }

    [Fact]
    public void An_empty_batch_is_refused_naming_the_input()
    {
        using var frames = new ImageBatch(torch.zeros([0, 32, 32, 3]));

        var error = Assert.Throws<InputException>(() => new SaveVideo().Execute(Context, frames));

        Assert.Equal("images = '0 frames': a video needs at least one frame", error.Message);
        Assert.False(Directory.Exists(Output) && Directory.EnumerateFileSystemEntries(Output).Any());
    }

    [Fact]
    public void A_frame_rate_of_zero_fails_validation()
    {
        var result = _test.Validate(VideoWorkflow(""" "fps": 0 """));

        var error = result.NodeErrors[new("2")].Errors.Single();
        Assert.Equal(("value_smaller_than_min", "fps"), (error.Type, (string?)error.ExtraInfo?["input_name"]));
        Assert.Throws<InputException>(() => new SaveVideo().Execute(Context, GrayRamp(1, 32, 32), fps: 0));
    }

    [Fact]
    public void A_codec_the_container_cannot_hold_fails_validation()
    {
        var result = _test.Validate(VideoWorkflow(""" "format": "webm", "codec": "h264" """));

        var error = result.NodeErrors[new("2")].Errors.Single();
        Assert.Equal(("custom_validation_failed", "codec - h264 cannot go in webm (use vp9, av1)"), (error.Type, error.Details));
    }

    [Fact]
    public void Without_ffmpeg_the_error_says_what_to_install_and_no_file_is_left()
    {
        using var frames = GrayRamp(count: 2, width: 32, height: 32);

        var error = Assert.Throws<InvalidOperationException>(() =>
            SaveVideo.Write(Context, new VideoRequest(frames, 8, "missing", VideoEncoding.Of(VideoFormat.Mp4, VideoCodec.Auto, 19)), "/nonexistent/ffmpeg"));

        Assert.Contains("install Debian's ffmpeg package", error.Message);
        Assert.Empty(Directory.EnumerateFiles(Output));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void A_failing_ffmpeg_is_reported_with_the_tail_of_its_stderr_without_hanging()
    {
        // Floods stderr (far past a pipe's buffer) without reading its input, then fails.
        var fake = Path.Combine(_test.BaseDirectory, "ffmpeg-fails");
        File.WriteAllText(fake, "#!/bin/sh\nhead -c 3000000 /dev/zero | tr '\\0' 'x' >&2\necho 'Unknown encoder: the end' >&2\nexit 3\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var frames = GrayRamp(count: 40, width: 256, height: 256);
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<InvalidOperationException>(() =>
            SaveVideo.Write(Context, new VideoRequest(frames, 8, "fails", VideoEncoding.Of(VideoFormat.Mp4, VideoCodec.Auto, 19)), fake));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains("Unknown encoder: the end", error.Message);
        Assert.True(error.Message.Length < 2500, $"the message quotes {error.Message.Length} characters");
        Assert.Empty(Directory.EnumerateFiles(Output));
    }

    /// <summary>LoadImage of a picture in input/ into SaveVideo, with extra SaveVideo inputs.</summary>
    private string VideoWorkflow(string inputs)
    {
        Directory.CreateDirectory(_test.Engine.Paths.Input);
        File.WriteAllBytes(Path.Combine(_test.Engine.Paths.Input, "frame.png"), Png.Encode(new RasterImage(8, 8, 3, new byte[8 * 8 * 3]), []));
        return """
            {"1": {"class_type": "LoadImage", "inputs": {"image": "frame.png"}},
             "2": {"class_type": "SaveVideo", "inputs": {"images": ["1", 0], 
            """ + inputs + "}}}";
    }

    private static double Gray(int frame) => (40 + 30 * frame) / 255.0;

    /// <summary>Frames of one grey each, brighter frame by frame.</summary>
    private static ImageBatch GrayRamp(int count, int width, int height)
    {
        using var scope = torch.NewDisposeScope();
        var levels = torch.tensor<float>([.. Enumerable.Range(0, count).Select(i => (float)Gray(i))], [count, 1, 1, 1]);
        return new ImageBatch(levels.expand(count, height, width, 3).contiguous().DetachFromDisposeScope());
    }
}
