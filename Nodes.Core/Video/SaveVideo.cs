using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Video;

/// <summary>
/// Encodes IMAGE frames into "{prefix}_{counter:05}_.mp4" (or .webm) in the output folder with ffmpeg, the frames piped
/// to it one at a time (8-bit, rounded as SaveImage's), with the workflow embedded as container tags "prompt" and each
/// extra_pnginfo key ("workflow"), as ComfyUI's video nodes do. yuv420p needs even sides: an odd width or height is
/// padded by repeating the last column or row.
/// </summary>
[Node("SaveVideo", DisplayName = "Save Video", Category = "image/video", OutputNode = true,
      Description = "Saves the frames as an MP4 or WebM video in your output directory (ffmpeg).")]
public sealed class SaveVideo : INode, IValidateInputs
{
    /// <summary>The ffmpeg SaveVideo runs: the one on PATH (Debian's package).</summary>
    public const string Ffmpeg = "ffmpeg";

    public UiOutput Execute(NodeContext context,
        [Input(Tooltip = "The frames of the video, in order.")] ImageBatch images,
        [Float(Min = 0.01, Max = 1000, Step = 0.01), Input(Tooltip = "Frames per second.")] double fps = 30.0,
        [Input(Tooltip = "The prefix for the file to save; it may hold subfolders and %date% variables as SaveImage's.")] string filenamePrefix = "video/ComfyUI",
        [Input(Tooltip = "mp4 (H.264 by default) or webm (VP9 by default).")] VideoFormat format = VideoFormat.Mp4,
        [Input(Tooltip = "auto: H.264 for mp4, VP9 for webm.")] VideoCodec codec = VideoCodec.Auto,
        [Int(Min = 0, Max = 63), Input(Tooltip = "Constant quality: lower is better and larger (0..51 for H.264/H.265, 0..63 for VP9/AV1).")] int crf = DefaultCrf) =>
        Write(context, new VideoRequest(images, fps, filenamePrefix, VideoEncoding.Of(format, codec, crf)), Ffmpeg);

    /// <summary>The codec must fit the container and the crf the codec; an input left out or linked counts as its default (which always fit).</summary>
    public IEnumerable<InputProblem> Validate(InputValues literals, NodePaths paths)
    {
        var encoding = VideoEncoding.Of(
            literals.Contains("format") ? literals.Get<VideoFormat>("format") : VideoFormat.Mp4,
            literals.Contains("codec") ? literals.Get<VideoCodec>("codec") : VideoCodec.Auto,
            literals.Contains("crf") ? literals.Get<int>("crf") : DefaultCrf);
        return encoding.Problems().Select(p => new InputProblem(p.Input, p.Problem));
    }

    private const int DefaultCrf = 19;

    /// <summary>Writes the video with the ffmpeg at <paramref name="ffmpeg"/> (a path, or a name on PATH).</summary>
    public static UiOutput Write(NodeContext context, VideoRequest request, string ffmpeg)
    {
        var images = request.Images;
        if (images.Count == 0)
            throw new InputException("images", "0 frames", "a video needs at least one frame");
        if (!(request.Fps > 0) || !double.IsFinite(request.Fps))
            throw new InputException("fps", request.Fps, "must be a positive number of frames per second");
        if (images.Pixels.shape[3] < 3)
            throw new InputException("images", $"{images.Pixels.shape[3]} channels", "frames must be RGB (3 channels; a 4th, alpha, is dropped)");
        foreach (var (input, problem) in request.Encoding.Problems())
            throw new InputException(input, input == "crf" ? request.Encoding.Crf : request.Encoding.Codec.ToString().ToLowerInvariant(), problem);
        var target = OutputTarget(context, request.FilenamePrefix, images);
        var (reserved, fileName, _) = OutputFileNames.CreateNext(target, target.Counter, request.Encoding.Extension);
        reserved.Dispose();   // the name is ours; ffmpeg writes the file
        var path = Path.Combine(target.Folder, fileName);
        try
        {
            Encode(context, request, ffmpeg, path);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        return new UiOutput().AddFile("images", fileName, target.Subfolder, "output").Add("animated", new System.Text.Json.Nodes.JsonArray(true));
    }

    private static void Encode(NodeContext context, VideoRequest request, string ffmpeg, string path)
    {
        var images = request.Images;
        var stream = new VideoStream(EvenSide(images.Width), EvenSide(images.Height), request.Fps, request.Encoding);
        Directory.CreateDirectory(context.Paths.Temp);
        var metadataFile = Path.Combine(context.Paths.Temp, $"video-metadata-{Guid.NewGuid():N}.txt");
        File.WriteAllText(metadataFile, FfmetadataFile.Format(context.Metadata.PngTextChunks()));
        try
        {
            using var writer = FfmpegVideoWriter.Start(ffmpeg, stream, metadataFile, path);
            for (long i = 0; i < images.Count; i++)
            {
                writer.WriteFrame(EvenFrame(images, i, stream));
                context.ReportProgress(i + 1, images.Count);
            }
            writer.FinishAsync(context.Cancellation).GetAwaiter().GetResult();
        }
        finally
        {
            File.Delete(metadataFile);
        }
    }

    private static OutputFileNames.Target OutputTarget(NodeContext context, string prefix, ImageBatch images)
    {
        try
        {
            return OutputFileNames.Resolve(context.Paths.Output, prefix, (int)images.Width, (int)images.Height);
        }
        catch (ArgumentException ex)
        {
            throw new InputException("filename_prefix", prefix, ex.Message);
        }
    }

    /// <summary>Frame <paramref name="index"/> as 8-bit RGB, its last column and row repeated where the stream is one larger.</summary>
    private static byte[] EvenFrame(ImageBatch images, long index, VideoStream stream)
    {
        using var scope = torch.NewDisposeScope();
        var frame = images.Pixels[index].slice(2, 0, 3);
        if (stream.Width > images.Width)
            frame = torch.cat([frame, frame.narrow(1, images.Width - 1, 1)], dim: 1);
        if (stream.Height > images.Height)
            frame = torch.cat([frame, frame.narrow(0, images.Height - 1, 1)], dim: 0);
        return ImageConversion.ToRaster(frame).Pixels;
    }

    private static int EvenSide(long side) => (int)(side + side % 2);
}

/// <summary>What one SaveVideo call writes: the frames, their rate, the file name prefix and the encoding.</summary>
public sealed record VideoRequest(ImageBatch Images, double Fps, string FilenamePrefix, VideoEncoding Encoding);
