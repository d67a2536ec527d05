namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// What one pickle may claim, so a hostile file cannot exhaust memory or the stack: Python's own unpickler has no
/// such bounds. The defaults hold any real checkpoint (a state dict costs about 20 values per tensor, so 2,000,000
/// values is some 100,000 tensors) and cap a crafted one at a few hundred megabytes of bookkeeping.
/// </summary>
public sealed record PickleLimits
{
    public static PickleLimits Default { get; } = new();

    /// <summary>Values pushed on the stack (new objects, memo reads, duplicates) plus items put into containers.</summary>
    public long MaxValues { get; init; } = 2_000_000;

    /// <summary>Entries in the memo (PUT, BINPUT, LONG_BINPUT, MEMOIZE).</summary>
    public long MaxMemo { get; init; } = 2_000_000;

    /// <summary>Nesting: open MARKs, tuples inside tuples, and containers walked when the result is read.</summary>
    public int MaxDepth { get; init; } = 100;

    /// <summary>Bytes of one string, bytes object or text-opcode line.</summary>
    public long MaxStringBytes { get; init; } = 64L << 20;

    /// <summary>Bytes of all strings and bytes objects together.</summary>
    public long MaxTotalStringBytes { get; init; } = 256L << 20;

    /// <summary>Bytes of one integer (LONG1, LONG4, or the digits of LONG): Python 3.11 itself stops at 4,300 digits.</summary>
    public int MaxIntegerBytes { get; init; } = 4096;
}
