using System.Globalization;

namespace Workflow.Host.Graph;

/// <summary>
/// A node's id in a workflow ("3", "12", "5.1.0"). Ordered numerically where both are numbers, so "9" precedes
/// "10"; the number is parsed once, because ids are compared on every lookup of a sorted map.
/// </summary>
public readonly struct NodeId : IEquatable<NodeId>, IComparable<NodeId>
{
    private readonly long _number;   // -1 when the id is not a plain non-negative number

    public NodeId(string value)
    {
        Value = value;
        _number = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
    }

    public string Value { get; }

    public int CompareTo(NodeId other) => (_number >= 0, other._number >= 0) switch
    {
        (true, true) => _number != other._number ? _number.CompareTo(other._number) : string.CompareOrdinal(Value, other.Value),
        (true, false) => -1,
        (false, true) => 1,
        _ => string.CompareOrdinal(Value, other.Value),
    };

    public bool Equals(NodeId other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is NodeId other && Equals(other);

    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);

    public static bool operator ==(NodeId a, NodeId b) => a.Equals(b);

    public static bool operator !=(NodeId a, NodeId b) => !a.Equals(b);

    public override string ToString() => Value;
}
