using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Workflow.Imaging;

/// <summary>
/// Walks a PNG's chunks from a stream, one at a time, so nothing is held but the chunk being used: its data is read
/// or skipped, and its CRC checked as soon as its last byte has passed (at once for an empty chunk). A chunk may be
/// put back, for the reader of a run of IDAT chunks that stops at the first chunk of another kind.
/// </summary>
internal sealed class PngChunkReader(Stream stream)
{
    private readonly byte[] _frame = new byte[8];
    private long _offset;
    private uint _crc;
    private bool _putBack;

    public string Type { get; private set; } = "";

    /// <summary>The byte at which the current chunk starts, for messages.</summary>
    public long Start { get; private set; }

    public int Length { get; private set; }

    /// <summary>Data bytes of the current chunk not yet read.</summary>
    public int Remaining { get; private set; }

    public void ReadSignature()
    {
        Span<byte> signature = stackalloc byte[8];
        if (stream.ReadAtLeast(signature, signature.Length, throwOnEndOfStream: false) < signature.Length || !signature.SequenceEqual(Png.Signature))
            throw new PngException("not a PNG file (the 8-byte signature is missing)");
        _offset = signature.Length;
    }

    /// <summary>Moves to the next chunk; the current one must have been read or skipped to its end.</summary>
    public void Next()
    {
        if (_putBack)
        {
            _putBack = false;
            return;
        }
        Start = _offset;
        if (stream.ReadAtLeast(_frame, _frame.Length, throwOnEndOfStream: false) < _frame.Length)
            throw new PngException($"the file ends inside a chunk header at byte {Start} (truncated; no IEND)");
        _offset += _frame.Length;
        uint length = BinaryPrimitives.ReadUInt32BigEndian(_frame);
        Type = Encoding.ASCII.GetString(_frame, 4, 4);
        if (length > int.MaxValue || stream.CanSeek && Start + 12 + length > stream.Length)
            throw new PngException($"chunk {Type} at byte {Start} claims {length} bytes, beyond the end of the file (truncated)");
        (Length, Remaining) = ((int)length, (int)length);
        _crc = Crc32.Update(Crc32.Initial, _frame.AsSpan(4, 4));
        if (Remaining == 0)
            CheckCrc();
    }

    /// <summary>The next <see cref="Next"/> stays on this chunk, whose data is still unread.</summary>
    public void PutBack() => _putBack = true;

    /// <summary>Reads up to <paramref name="buffer"/>'s length of the chunk's data; 0 only at its end.</summary>
    public int Read(Span<byte> buffer)
    {
        int wanted = Math.Min(buffer.Length, Remaining);
        if (wanted == 0)
            return 0;
        int read = stream.Read(buffer[..wanted]);
        if (read == 0)
            throw new PngException($"the file ends inside chunk {Type} at byte {Start} (truncated)");
        _crc = Crc32.Update(_crc, buffer[..read]);
        (Remaining, _offset) = (Remaining - read, _offset + read);
        if (Remaining == 0)
            CheckCrc();
        return read;
    }

    /// <summary>The rest of the chunk's data; callers bound <see cref="Remaining"/> first.</summary>
    public byte[] ReadRest()
    {
        var data = new byte[Remaining];
        for (int at = 0; at < data.Length;)
            at += Read(data.AsSpan(at));
        return data;
    }

    /// <summary>Passes over the rest of the chunk's data, holding no more than a small buffer of it.</summary>
    public void Skip()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 << 10);
        try
        {
            while (Remaining > 0)
                Read(buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void CheckCrc()
    {
        Span<byte> stored = stackalloc byte[4];
        if (stream.ReadAtLeast(stored, stored.Length, throwOnEndOfStream: false) < stored.Length)
            throw new PngException($"the file ends inside chunk {Type} at byte {Start} (truncated)");
        _offset += stored.Length;
        if (BinaryPrimitives.ReadUInt32BigEndian(stored) != Crc32.Final(_crc))
            throw new PngException($"chunk {Type} at byte {Start} fails its CRC check (corrupt)");
    }
}
