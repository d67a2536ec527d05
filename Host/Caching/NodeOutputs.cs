using System.Text.Json.Nodes;

namespace Workflow.Host.Caching;

/// <summary>
/// What a node produced: each output slot's values (one per call of the node, or a list output's elements), its UI
/// dictionary, and what they weigh. A node that ran once on single values has one value per slot.
/// </summary>
public sealed record NodeOutputs(IReadOnlyList<object?>[] Slots, JsonObject? Ui)
{
    /// <summary>One value per slot, as a node run once makes them.</summary>
    public static NodeOutputs Single(object?[] values, JsonObject? ui = null) =>
        new(Array.ConvertAll(values, v => (IReadOnlyList<object?>)[v]), ui);

    /// <summary>Every value of every slot, for leases.</summary>
    public IReadOnlyList<object?> AllValues { get; } = Slots.Length == 1 ? Slots[0] : Slots.SelectMany(slot => slot).ToArray();

    public MemoryFootprint Footprint { get; } = MemoryFootprint.Of(Slots);
}
