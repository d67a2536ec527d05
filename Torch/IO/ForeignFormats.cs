using System.Text;

namespace Workflow.Torch.IO;

/// <summary>
/// Names the format of a file that was expected to be safetensors but is not, from its first bytes: a pickled PyTorch
/// checkpoint (torch.save's zip archive, or its older bare pickle), any other pickle or zip, GGUF, a NumPy array. So
/// a .ckpt renamed .safetensors is reported as what it is, not as a safetensors header that "exceeds the file".
/// </summary>
internal static class ForeignFormats
{
    /// <summary>Bytes enough to tell: the zip local header (30) and the first entry's name ("archive/data.pkl" in torch.save's).</summary>
    public const int HeadLength = 128;

    /// <summary>torch.save's legacy format opens with a pickled magic number (0x1950a86a20f9469cfc6c as LONG1).</summary>
    private static ReadOnlySpan<byte> LegacyTorchMagic => [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19];

    /// <summary>"a ... file", or null when the bytes are none of the formats known here.</summary>
    public static string? Identify(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("PK\x03\x04"u8))
            return FirstZipEntry(head).EndsWith("/data.pkl", StringComparison.Ordinal)
                ? "a pickled PyTorch checkpoint (torch.save's zip archive, as .ckpt, .pt, .pth and .bin files are)"
                : "a zip archive";
        if (head.StartsWith(LegacyTorchMagic))
            return "a pickled PyTorch checkpoint (torch.save's legacy format, before PyTorch 1.6)";
        if (head.Length >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5)
            return $"a Python pickle (protocol {head[1]})";
        if (head.StartsWith("GGUF"u8))
            return "a GGUF model file";
        if (head.StartsWith("\x93NUMPY"u8))
            return "a NumPy array (.npy)";
        return null;
    }

    private static string FirstZipEntry(ReadOnlySpan<byte> head)
    {
        if (head.Length < 30)
            return "";
        int nameLength = head[26] | head[27] << 8;
        return Encoding.UTF8.GetString(head.Slice(30, Math.Min(nameLength, head.Length - 30)));
    }
}
