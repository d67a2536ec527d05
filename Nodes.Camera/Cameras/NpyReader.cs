using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Workflow.Nodes.Camera.Cameras;

/// <summary>
/// Reads numpy's .npy format (numpy/lib/format.py, versions 1–3): the magic "\x93NUMPY", a header dict with
/// 'descr', 'fortran_order' and 'shape', then the raw array. Float32 and float64 of either byte order.
/// </summary>
internal static partial class NpyReader
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static NumericArray Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < 10 || !file.StartsWith(Magic))
            throw new FormatException("not an .npy file (no \\x93NUMPY magic)");
        var (headerLength, headerStart) = file[6] == 1
            ? (BinaryPrimitives.ReadUInt16LittleEndian(file[8..]), 10)
            : ((int)BinaryPrimitives.ReadUInt32LittleEndian(file[8..]), 12);
        if (headerStart + headerLength > file.Length)
            throw new FormatException("the .npy header runs past the end of the file");
        var header = Encoding.Latin1.GetString(file.Slice(headerStart, headerLength));
        var (descr, fortranOrder, shape) = ParseHeader(header);
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count > int.MaxValue / 8)
            throw new FormatException($"the .npy array of shape ({string.Join(", ", shape)}) is too large");
        var values = ReadValues(file[(headerStart + headerLength)..], descr, (int)count);
        return new NumericArray(shape, fortranOrder ? ToRowMajor(values, shape) : values);
    }

    private static (string Descr, bool FortranOrder, int[] Shape) ParseHeader(string header)
    {
        var descr = DescrPattern().Match(header);
        var order = FortranPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !order.Success || !shape.Success)
            throw new FormatException($"unreadable .npy header: {header.Trim()}");
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (descr.Groups[1].Value, order.Groups[1].Value == "True", [.. dims.Select(int.Parse)]);
    }

    private static double[] ReadValues(ReadOnlySpan<byte> data, string descr, int count)
    {
        var (size, bigEndian) = descr switch
        {
            "<f4" or "=f4" => (4, false),
            ">f4" => (4, true),
            "<f8" or "=f8" => (8, false),
            ">f8" => (8, true),
            _ => throw new NotSupportedException($".npy dtype '{descr}' is not supported; save float32 or float64"),
        };
        if (data.Length < (long)count * size)
            throw new FormatException($"the .npy data holds {data.Length} bytes, {count} values of '{descr}' need {(long)count * size}");
        var values = new double[count];
        for (var i = 0; i < count; i++)
            values[i] = ReadOne(data.Slice(i * size, size), bigEndian);
        return values;
    }

    private static double ReadOne(ReadOnlySpan<byte> bytes, bool bigEndian) => (bytes.Length, bigEndian) switch
    {
        (4, false) => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        (4, true) => BinaryPrimitives.ReadSingleBigEndian(bytes),
        (_, false) => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        _ => BinaryPrimitives.ReadDoubleBigEndian(bytes),
    };

    /// <summary>Column-major (fortran_order) values reordered row-major.</summary>
    private static double[] ToRowMajor(double[] columnMajor, int[] shape)
    {
        var rowMajor = new double[columnMajor.Length];
        var index = new int[shape.Length];   // a row-major odometer over the shape
        for (var flat = 0; flat < rowMajor.Length; flat++)
        {
            rowMajor[flat] = columnMajor[ColumnMajorOffset(index, shape)];
            for (var d = shape.Length - 1; d >= 0 && ++index[d] == shape[d]; d--)
                index[d] = 0;
        }
        return rowMajor;
    }

    private static int ColumnMajorOffset(int[] index, int[] shape)
    {
        var (offset, stride) = (0, 1);
        for (var d = 0; d < shape.Length; d++)
        {
            offset += index[d] * stride;
            stride *= shape[d];
        }
        return offset;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
