using System.Globalization;
using System.Text.Json.Nodes;
using Workflow.Host.Tests.Support;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Host.Tests.Cli;

/// <summary>
/// The video examples, run from the command line as a user runs them: the camera fly-through on a fresh machine (no
/// model), and the refiner on the fixture models setup installs; each writes an MP4 that ffprobe reads back.
/// </summary>
public sealed class VideoCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("workflow-video-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Camera_flythrough_renders_the_trajectory_to_an_mp4()
    {
        var outcome = CliRunner.Run(_dir, new CliRunner.Settings(TimeSpan.FromMinutes(5)), "run", Path.Combine(Golden.RepoRoot, "workflows", "camera_flythrough.json"));

        Assert.True(outcome.ExitCode == 0, outcome.Stdout + outcome.Stderr);
        Assert.Contains("wrote output/camera_flythrough/flythrough_00001_.mp4", outcome.Stdout);
        var video = Ffprobe.Read(Path.Combine(_dir, "output", "camera_flythrough", "flythrough_00001_.mp4"));
        // "w-80,jw-40,w-40": 160 frames of actions give 161 poses, one video frame each.
        Assert.Equal(("h264", 640, 320, "16/1", 161), (video.Codec, video.Width, video.Height, video.FrameRate, video.Frames));
        Assert.Contains("CameraPreviewFrames", video.Tags["prompt"]);
    }

    /// <summary>
    /// workflows/arrefine_tiny.json with the refiner fixture's recorded call (read from its manifest): the saved latents
    /// are the fixture's output, and the MP4 holds the decoded video, 1 + 8(T − 1) frames at 32× the latent's size.
    /// </summary>
    [GoldenFact(Refiner, "ltx2-vae-tiny")]
    public void Arrefine_tiny_refines_the_fixture_latents_and_saves_the_decoded_video_as_an_mp4()
    {
        FixtureModels.Install(_dir);
        var manifest = Golden.Json(Refiner, "manifest.json");
        var call = manifest["call"]!;
        var sigmas = string.Join(", ", call["sigmas"]!.AsArray().Select(s => ((double)s!).ToString("R", CultureInfo.InvariantCulture)));
        var fps = ((double)call["fps"]!).ToString("R", CultureInfo.InvariantCulture);
        var outcome = CliRunner.Run(_dir, new CliRunner.Settings(TimeSpan.FromMinutes(5)), "run", Path.Combine(Golden.RepoRoot, "workflows", "arrefine_tiny.json"),
            "--set", $"3.seed={call["seed"]}", "--set", $"3.block_size={call["block_size"]}", "--set", $"3.sink_frames={call["source_sink_frames"]}",
            "--set", $"3.kv_max_frames={call["kv_max_frames"]}", "--set", $"3.sigmas={sigmas}", "--set", $"3.fps={fps}", "--set", $"6.fps={fps}");

        Assert.True(outcome.ExitCode == 0, outcome.Stdout + outcome.Stderr);
        var (tensorFile, tensors) = manifest["tensors"]!.AsObject().Single(f => f.Value!["output"] is not null);
        using (var scope = torch.NewDisposeScope())
        using (var golden = GoldenTensors.Open(Refiner, tensorFile))
            golden.AssertMatches("output", SafeTensors.LoadAll(Path.Combine(_dir, "output", "latents", "arrefine_tiny_00001_.latent"))["latent_tensor"]);

        var latent = tensors!["inputs.z"]!["shape"]!.AsArray().Select(d => (int)d!).ToArray();
        var vae = Golden.Json("ltx2-vae-tiny", "model/config.json");
        int spatial = (int)vae["spatial_compression_ratio"]!, temporal = (int)vae["temporal_compression_ratio"]!;
        var video = Ffprobe.Read(Path.Combine(_dir, "output", "arrefine_tiny", "refined_00001_.mp4"));
        Assert.Equal((spatial * latent[4], spatial * latent[3], $"{fps}/1", 1 + temporal * (latent[2] - 1)), (video.Width, video.Height, video.FrameRate, video.Frames));
        Assert.Contains("ARRefine", video.Tags["prompt"]);
    }

    private const string Refiner = "sanawm-refiner-tiny";
}
