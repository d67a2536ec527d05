namespace Workflow.Imaging;

/// <summary>
/// The compressed image data: the data of consecutive IDAT chunks read as one stream, straight from the file, so
/// the inflater holds no more of it than its own buffer. It ends at the first chunk of another kind, which it puts back.
/// </summary>
internal sealed class IdatStream(PngChunkReader chunks) : Stream
{
    private bool _ended;

    public override int Read(Span<byte> buffer)
    {
        while (!_ended && buffer.Length > 0)
        {
            if (chunks.Remaining > 0)
                return chunks.Read(buffer);
            NextChunk();
        }
        return 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Passes over image data the image did not need (and its CRCs), up to the chunk after the last IDAT.</summary>
    public void SkipRest()
    {
        while (!_ended)
        {
            chunks.Skip();
            NextChunk();
        }
    }

    private void NextChunk()
    {
        chunks.Next();
        if (chunks.Type == "IDAT")
            return;
        chunks.PutBack();
        _ended = true;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
