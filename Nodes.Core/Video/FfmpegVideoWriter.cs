using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Workflow.Nodes.Core.Video;

/// <summary>
/// One ffmpeg process encoding raw RGB frames from its stdin into a file: frames are written as they come, metadata
/// tags are read from an ffmetadata file beside it, and stderr is drained all the while (its tail kept for the error
/// message), so a chatty or failing ffmpeg can neither block the writer nor fail silently.
/// </summary>
public sealed class FfmpegVideoWriter : IDisposable
{
    /// <summary>How much of ffmpeg's stderr an error quotes.</summary>
    private const int StderrTailChars = 2000;

    private readonly Process _process;
    private readonly Task<string> _stderrTail;
    private readonly Task _stdoutDrained;
    private readonly string _executable;
    private bool _finished;

    private FfmpegVideoWriter(Process process, string executable)
    {
        (_process, _executable) = (process, executable);
        _stderrTail = TailAsync(process.StandardError);
        _stdoutDrained = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
    }

    /// <summary>Starts ffmpeg (<paramref name="executable"/>: a path, or a name looked up on PATH) writing <paramref name="output"/>.</summary>
    public static FfmpegVideoWriter Start(string executable, VideoStream stream, string metadataFile, string output)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(stream, metadataFile, output))
            start.ArgumentList.Add(argument);
        try
        {
            return new FfmpegVideoWriter(Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start."), executable);
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"ffmpeg is needed to write videos and could not be started ({executable}: {ex.Message}); install Debian's ffmpeg package (scripts/install-deps.sh does).", ex);
        }
    }

    /// <summary>Writes one frame: Height rows of Width RGB pixels, 8 bits each.</summary>
    public void WriteFrame(ReadOnlySpan<byte> rgb)
    {
        try
        {
            _process.StandardInput.BaseStream.Write(rgb);
        }
        catch (IOException ex)
        {
            throw Failure("stopped reading frames", ex);
        }
    }

    /// <summary>Closes the input and waits for ffmpeg to finish the file; a non-zero exit is an error quoting its stderr.</summary>
    public async Task FinishAsync(CancellationToken cancellation)
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException ex)
        {
            throw Failure("stopped reading frames", ex);
        }
        await _process.WaitForExitAsync(cancellation).ConfigureAwait(false);
        _finished = true;
        await _stdoutDrained.ConfigureAwait(false);
        if (_process.ExitCode != 0)
            throw Failure($"failed (exit code {_process.ExitCode})", null);
    }

    /// <summary>Kills ffmpeg if it has not finished (an error or an interrupt on our side).</summary>
    public void Dispose()
    {
        if (!_finished && !_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private InvalidOperationException Failure(string what, Exception? inner)
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        var stderr = _stderrTail.Wait(TimeSpan.FromSeconds(5)) ? _stderrTail.Result.Trim() : "";
        return new InvalidOperationException(
            $"ffmpeg ({_executable}) {what}" + (stderr.Length > 0 ? $": {stderr}" : " without a message on stderr."), inner);
    }

    private static IEnumerable<string> Arguments(VideoStream stream, string metadataFile, string output) =>
    [
        "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-video_size", $"{stream.Width}x{stream.Height}",
        "-framerate", stream.Fps.ToString("R", CultureInfo.InvariantCulture), "-i", "pipe:0",
        "-f", "ffmetadata", "-i", metadataFile,
        "-map", "0:v", "-map_metadata", "1",
        .. stream.Encoding.OutputArguments(),
        output,
    ];

    /// <summary>Reads a stream to its end, keeping only its last <see cref="StderrTailChars"/> characters.</summary>
    private static async Task<string> TailAsync(StreamReader reader)
    {
        var tail = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            tail.Append(buffer, 0, read);
            if (tail.Length > 2 * StderrTailChars)
                tail.Remove(0, tail.Length - StderrTailChars);
        }
        return tail.Length > StderrTailChars ? "…" + tail.ToString(tail.Length - StderrTailChars, StderrTailChars) : tail.ToString();
    }
}

/// <summary>The frames ffmpeg is told to expect, and how to encode them.</summary>
public sealed record VideoStream(int Width, int Height, double Fps, VideoEncoding Encoding);
