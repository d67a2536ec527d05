using System.Numerics;

namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// Python's equality and hashing for the values a pickle can use as dict keys or set items: numbers compare by value
/// (True == 1 == 1.0), strings and bytes by content, tuples and frozensets by their items; lists, dicts and sets are
/// unhashable. Tuples and frozensets carry their hash from construction, so hashing never recurses.
/// </summary>
internal static class PickleEquality
{
    /// <summary>The hash of <paramref name="value"/>, or null when Python would call it unhashable.</summary>
    public static int? Hash(object? value) => value switch
    {
        null => 0,
        bool b => (b ? 1L : 0L).GetHashCode(),
        long l => l.GetHashCode(),
        BigInteger i => i >= long.MinValue && i <= long.MaxValue ? ((long)i).GetHashCode() : i.GetHashCode(),
        double d => IsIntegral(d) ? ((long)d).GetHashCode() : d.GetHashCode(),
        Complex c => c.Imaginary == 0 ? Hash(c.Real) : c.GetHashCode(),
        string s => s.GetHashCode(StringComparison.Ordinal),
        byte[] bytes => HashBytes(bytes),
        PickleTuple t => t.Hash,
        PickleSet { IsFrozen: true } s => s.FrozenHash,
        PickleGlobal g => g.GetHashCode(),
        List<object?> or PickleDict or PickleSet => null,
        _ => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(value),
    };

    public static bool AreEqual(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
            return true;
        if (a is null || b is null)
            return false;
        if (AsNumber(a) is { } x && AsNumber(b) is { } y)
            return x == y;
        return (a, b) switch
        {
            (string s, string t) => string.Equals(s, t, StringComparison.Ordinal),
            (byte[] s, byte[] t) => s.AsSpan().SequenceEqual(t),
            (PickleTuple s, PickleTuple t) => s.Hash == t.Hash && s.Count == t.Count && s.Zip(t).All(p => AreEqual(p.First, p.Second)),
            (PickleSet s, PickleSet t) => s.SetEquals(t),
            (PickleGlobal s, PickleGlobal t) => s.Equals(t),
            _ => false,
        };
    }

    private static bool IsIntegral(double d) => Math.Floor(d) == d && d >= long.MinValue && d < long.MaxValue;

    /// <summary>Booleans and real numbers as one comparable value; complex numbers only when real.</summary>
    private static Complex? AsNumber(object value) => value switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        BigInteger i => (Complex)i,
        double d => d,
        Complex c => c,
        _ => null,
    };

    private static int HashBytes(byte[] bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}

/// <summary>A dict key or set item, hashed once when it is inserted (an unhashable value is refused there).</summary>
internal readonly struct PickleKey : IEquatable<PickleKey>
{
    private readonly int _hash;

    public PickleKey(object? value)
    {
        Value = value;
        _hash = PickleEquality.Hash(value)
            ?? throw new PickleError($"unhashable type {PickleValues.TypeName(value)} used as a dict key or set item");
    }

    public object? Value { get; }

    public bool Equals(PickleKey other) => _hash == other._hash && PickleEquality.AreEqual(Value, other.Value);

    public override bool Equals(object? obj) => obj is PickleKey other && Equals(other);

    public override int GetHashCode() => _hash;
}
