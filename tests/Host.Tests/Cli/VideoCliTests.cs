using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Cli;

/// <summary>The camera fly-through example, run from the command line as a user runs it on a fresh machine: no model, an MP4 out.</summary>
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
}
