using Workflow.NodeSdk;

namespace Workflow.Host.Caching;

/// <summary>Bytes a value holds in host RAM and on devices, as the cache accounts them.</summary>
public readonly record struct MemoryFootprint(long HostBytes, long DeviceBytes)
{
    public static MemoryFootprint operator +(MemoryFootprint a, MemoryFootprint b) => new(a.HostBytes + b.HostBytes, a.DeviceBytes + b.DeviceBytes);

    public static MemoryFootprint operator -(MemoryFootprint a, MemoryFootprint b) => new(a.HostBytes - b.HostBytes, a.DeviceBytes - b.DeviceBytes);

    /// <summary>A value that reports its memory is taken at its word; a string counts its characters; anything else a pointer's worth.</summary>
    public static MemoryFootprint Of(object? value) => value switch
    {
        IMemoryFootprint m => new(m.HostBytes, m.DeviceBytes),
        string s => new(24 + 2L * s.Length, 0),
        null => default,
        _ => new(IntPtr.Size, 0),
    };

    /// <summary>Each value counted once, however often it appears (a list repeating one model, a node passing its input on).</summary>
    public static MemoryFootprint Of(IReadOnlyList<IReadOnlyList<object?>> slots)
    {
        if (slots.Count == 1 && slots[0].Count == 1)
            return Of(slots[0][0]);   // the usual case, counted without a set
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var sum = default(MemoryFootprint);
        foreach (var slot in slots)
            foreach (var value in slot)
                if (value is not null && seen.Add(value))
                    sum += Of(value);
        return sum;
    }
}
