using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Workflow.Testing;

/// <summary>What ffprobe (Debian's ffmpeg package) reads back from a video file: its first video stream, counted frame by frame, and its container tags.</summary>
public static class Ffprobe
{
    public sealed record VideoInfo(string Codec, int Width, int Height, string FrameRate, int Frames, string PixelFormat, IReadOnlyDictionary<string, string> Tags);

    public static VideoInfo Read(string path)
    {
        var json = JsonNode.Parse(Run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=codec_name,width,height,r_frame_rate,nb_read_frames,pix_fmt:format_tags", "-of", "json", path))!;
        var stream = json["streams"]![0]!;
        var tags = (json["format"]?["tags"] as JsonObject ?? []).ToDictionary(t => t.Key, t => (string)t.Value!, StringComparer.OrdinalIgnoreCase);
        return new VideoInfo((string)stream["codec_name"]!, (int)stream["width"]!, (int)stream["height"]!, (string)stream["r_frame_rate"]!,
            int.Parse((string)stream["nb_read_frames"]!, System.Globalization.CultureInfo.InvariantCulture), (string)stream["pix_fmt"]!, tags);
    }

    /// <summary>Every frame decoded by ffmpeg to 8-bit RGB, width × height × 3 bytes each.</summary>
    public static byte[] DecodeRgb(string path)
    {
        var start = Start("ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var bytes = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(bytes);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ffmpeg could not decode {path}: {stderr.Result}");
        return bytes.ToArray();
    }

    private static string Run(string executable, params string[] arguments)
    {
        using var process = Process.Start(Start(executable, arguments))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{executable} failed on {arguments[^1]}: {stderr.Result}");
        return stdout;
    }

    private static ProcessStartInfo Start(string executable, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }
}
