namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// Reads a pickle stream in place from mapped memory, never past its end: a declared length longer than what is
/// left is an error before anything is allocated. Lengths above int's range are refused by the callers' limits.
/// </summary>
internal sealed unsafe class PickleReader(byte* start, long length, long position = 0)
{
    public long Position { get; private set; } = position;

    public long Remaining => length - Position;

    public byte ReadByte() => Take(1)[0];

    public ReadOnlySpan<byte> Read(long count) => Take(count);

    /// <summary>Bytes up to the next newline, which is consumed but not returned (protocol 0's text arguments).</summary>
    public ReadOnlySpan<byte> ReadLine(long maxLength)
    {
        var window = new ReadOnlySpan<byte>(start + Position, (int)Math.Min(Remaining, maxLength + 1));
        var end = window.IndexOf((byte)'\n');
        if (end < 0)
            throw new PickleError(window.Length > maxLength
                ? $"a text argument is longer than the limit of {maxLength} bytes (PickleLimits.MaxStringBytes)"
                : "the pickle ends inside a text argument (truncated file?)");
        Position += end + 1;
        return window[..end];
    }

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || count > Remaining)
            throw new PickleError($"needs {count} bytes but only {Remaining} remain (truncated file?)");
        if (count > int.MaxValue)
            throw new PickleError($"a {count}-byte argument is larger than can be read");
        var span = new ReadOnlySpan<byte>(start + Position, (int)count);
        Position += count;
        return span;
    }
}
