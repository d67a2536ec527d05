namespace Workflow.Nodes.Core.Video;

/// <summary>The container SaveVideo writes: MP4 (H.264, H.265, AV1) or WebM (VP9, AV1).</summary>
public enum VideoFormat
{
    Mp4,
    Webm,
}

/// <summary>The video codec; auto is H.264 in MP4 and VP9 in WebM, what every browser and player reads.</summary>
public enum VideoCodec
{
    Auto,
    H264,
    H265,
    Vp9,
    Av1,
}

/// <summary>
/// How ffmpeg encodes one SaveVideo call: the container, the encoder (Debian's ffmpeg has libx264, libx265,
/// libvpx-vp9 and libsvtav1), its constant-quality crf, and yuv420p, the pixel format players expect (which needs
/// even sides).
/// </summary>
public sealed record VideoEncoding(VideoFormat Format, VideoCodec Codec, int Crf)
{
    public string Extension => Format == VideoFormat.Mp4 ? "mp4" : "webm";

    /// <summary>The codec <see cref="VideoCodec.Auto"/> stands for in <paramref name="format"/>.</summary>
    public static VideoEncoding Of(VideoFormat format, VideoCodec codec, int crf) =>
        new(format, codec != VideoCodec.Auto ? codec : format == VideoFormat.Mp4 ? VideoCodec.H264 : VideoCodec.Vp9, crf);

    /// <summary>What is wrong with this combination (a codec the container cannot hold, a crf the encoder does not take), by input; empty when none.</summary>
    public IEnumerable<(string Input, string Problem)> Problems()
    {
        VideoCodec[] allowed = Format == VideoFormat.Mp4 ? [VideoCodec.H264, VideoCodec.H265, VideoCodec.Av1] : [VideoCodec.Vp9, VideoCodec.Av1];
        if (!allowed.Contains(Codec))
            yield return ("codec", $"{Name(Codec)} cannot go in {Extension} (use {string.Join(", ", allowed.Select(Name))})");
        if (Crf < 0 || Crf > MaxCrf)
            yield return ("crf", $"{Crf} is outside {Name(Codec)}'s range 0..{MaxCrf} (lower is better quality)");
    }

    private int MaxCrf => Codec is VideoCodec.H264 or VideoCodec.H265 ? 51 : 63;

    /// <summary>ffmpeg's output options for the stream and container, before the output path.</summary>
    public IEnumerable<string> OutputArguments()
    {
        string[] codec = Codec switch
        {
            VideoCodec.H264 => ["-c:v", "libx264"],
            VideoCodec.H265 => ["-c:v", "libx265", "-x265-params", "log-level=error", "-tag:v", "hvc1"],   // hvc1: what Apple's players accept
            VideoCodec.Vp9 => ["-c:v", "libvpx-vp9", "-b:v", "0", "-row-mt", "1"],                           // -b:v 0: crf alone sets the quality
            _ => ["-c:v", "libsvtav1"],
        };
        // mp4 keeps custom tags (prompt, workflow) only with use_metadata_tags, as ComfyUI's video saving sets it.
        string[] container = Format == VideoFormat.Mp4 ? ["-movflags", "+use_metadata_tags", "-f", "mp4"] : ["-f", "webm"];
        return [.. codec, "-crf", Crf.ToString(System.Globalization.CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p", .. container];
    }

    private static string Name(VideoCodec codec) => codec.ToString().ToLowerInvariant();
}
