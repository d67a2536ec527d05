using System.Buffers.Binary;
using System.Text;

namespace Workflow.Nodes.Camera.Tests.Support;

/// <summary>Writes .npy files as numpy.save does (format version 1.0), for the reader's tests.</summary>
internal static class NpyFile
{
    public static byte[] Bytes(string descr, IReadOnlyList<int> shape, byte[] data, bool fortranOrder = false)
    {
        var shapeText = shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var header = $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shapeText}, }}";
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";   // numpy pads the header to a multiple of 64
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        return [.. bytes, .. length, .. Encoding.Latin1.GetBytes(header), .. data];
    }

    public static byte[] Float64(IEnumerable<double> values, bool bigEndian = false) =>
        [.. values.SelectMany(v =>
        {
            var b = new byte[8];
            if (bigEndian) BinaryPrimitives.WriteDoubleBigEndian(b, v); else BinaryPrimitives.WriteDoubleLittleEndian(b, v);
            return b;
        })];

    public static byte[] Float32(IEnumerable<double> values) =>
        [.. values.SelectMany(v =>
        {
            var b = new byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(b, (float)v);
            return b;
        })];
}
