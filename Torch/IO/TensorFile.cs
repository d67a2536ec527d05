using System.Buffers.Binary;
using Workflow.Torch.Serialization;

namespace Workflow.Torch.IO;

/// <summary>
/// Opens a file of tensors by what it contains, not by its extension: a PyTorch zip archive (torch.save since 1.6;
/// .pt, .pth, .bin, .ckpt), PyTorch's legacy pickle format, or safetensors. Every loader goes through here, so any
/// of them accepts a checkpoint in either format.
/// </summary>
public static class TensorFile
{
    /// <summary>Enough to see a tar header's "ustar" magic (PyTorch's format before 0.4), which PyTorchFile refuses by name.</summary>
    private const int HeadLength = 512;

    private static readonly string[] SafeTensorsExtensions = [".safetensors", ".sft"];

    /// <summary>The file at <paramref name="path"/>, opened by the reader its first bytes call for.</summary>
    public static ITensorFile Open(string path)
    {
        var (head, length) = Head(path);
        return Detect(head, length, path) switch
        {
            TensorFileFormat.PyTorch => PyTorchFile.Open(path),
            TensorFileFormat.SafeTensors => SafeTensorsFile.Open(path),
            _ => throw new InvalidDataException(
                $"{path}: not a safetensors file, a PyTorch zip archive or a legacy PyTorch pickle (it starts with " +
                $"{(head.Length == 0 ? "nothing: it is empty" : "bytes " + Convert.ToHexString(head, 0, Math.Min(8, head.Length)))})"),
        };
    }

    /// <summary>Which reader <paramref name="path"/> calls for; safetensors is also the fallback for its own extensions.</summary>
    public static TensorFileFormat Detect(string path)
    {
        var (head, length) = Head(path);
        return Detect(head, length, path);
    }

    /// <summary>
    /// Safetensors first: its header length can begin with any byte (0x80 is pickle's PROTO), but its header starts
    /// with '{' at byte 8 and fits in the file, which neither a zip archive nor a torch.save pickle does.
    /// </summary>
    private static TensorFileFormat Detect(byte[] head, long length, string path)
    {
        if (SafeTensorsFile.HasHeaderShape(head, length))
            return TensorFileFormat.SafeTensors;
        if (PyTorchFile.LooksLikeOne(head))
            return TensorFileFormat.PyTorch;
        return SafeTensorsExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase)
            ? TensorFileFormat.SafeTensors
            : TensorFileFormat.Unknown;
    }

    private static (byte[] Head, long Length) Head(string path)
    {
        var head = new byte[HeadLength];
        using var stream = RegularFile.OpenRead(path);   // a FIFO or device is refused unopened
        return (head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)], stream.Length);
    }
}

/// <summary>The formats <see cref="TensorFile"/> reads.</summary>
public enum TensorFileFormat
{
    Unknown,
    SafeTensors,
    PyTorch,
}
