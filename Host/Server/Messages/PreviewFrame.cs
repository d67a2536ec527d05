using System.Buffers.Binary;
using Workflow.Imaging;
using Workflow.NodeSdk;

namespace Workflow.Host.Server.Messages;

/// <summary>
/// A preview as ComfyUI's binary frame type 1 (PREVIEW_IMAGE): big-endian event type 1, big-endian format 2 (PNG),
/// then the PNG. Types 3 and 4 are not sent: one npm client throws on binary types it does not expect.
/// </summary>
public static class PreviewFrame
{
    private const uint PreviewImageEvent = 1;
    private const uint PngFormat = 2;

    public static byte[] Encode(PreviewImage preview)
    {
        var png = Png.Encode(new RasterImage(preview.Width, preview.Height, 3, preview.Rgb.ToArray()), level: System.IO.Compression.CompressionLevel.Fastest);
        var frame = new byte[8 + png.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, PreviewImageEvent);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), PngFormat);
        png.CopyTo(frame, 8);
        return frame;
    }
}
