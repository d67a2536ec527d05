using System.Buffers.Binary;
using System.IO.Compression;

namespace Workflow.Testing.Hostile;

/// <summary>
/// A zlib stream that inflates to any number of zero bytes, built in time proportional to its compressed size (about
/// 1/1000 of the inflated), as decompression bombs are: one deflate block of 1 MiB of zeros, ended by a sync flush so
/// it is byte-aligned and refers only to zeros in its window, is repeated as often as needed.
/// </summary>
public static class DeflatedZeros
{
    private const int Prefix = 64 << 10, Block = 1 << 20;

    public static byte[] Zlib(long length)
    {
        long blocks = Math.Max(0, length - Prefix) / Block;
        int prefix = (int)Math.Min(length, Prefix), rest = (int)(length - prefix - blocks * Block);
        var (head, block, tail, end) = Pieces(prefix, rest);
        using var output = new MemoryStream();
        output.Write([0x78, 0x9C]);
        output.Write(head);
        for (long i = 0; i < blocks; i++)
            output.Write(block);
        output.Write(tail);
        output.Write(end);
        // Adler-32 of n zeros: a stays 1, b adds a once per byte.
        Span<byte> adler = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(adler, (uint)(length % 65521) << 16 | 1);
        output.Write(adler);
        return output.ToArray();
    }

    /// <summary>Raw deflate of <paramref name="prefix"/> zeros, of 1 MiB more, of <paramref name="rest"/> more, and the final block, each piece apart.</summary>
    private static (byte[] Head, byte[] Block, byte[] Tail, byte[] End) Pieces(int prefix, int rest)
    {
        using var buffer = new MemoryStream();
        var pieces = new List<byte[]>();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            foreach (var size in new[] { prefix, Block, rest })
            {
                deflate.Write(new byte[size]);
                deflate.Flush();
                pieces.Add(Take(buffer));
            }
        }
        return (pieces[0], pieces[1], pieces[2], Take(buffer));
    }

    private static byte[] Take(MemoryStream buffer)
    {
        var bytes = buffer.ToArray();
        buffer.SetLength(0);
        return bytes;
    }
}
