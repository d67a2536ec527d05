using Microsoft.Extensions.Logging;

namespace Workflow.Host.Memory;

/// <summary>
/// ComfyUI's model management (comfy/model_management.py: load_models_gpu, free_memory) for one device: before a node
/// runs, the weights it takes are moved to the device, and if they and <see cref="ModelMemoryBudget.InferenceBytes"/>
/// do not fit in what is free (the inference memory alone, when they are there already), weights no running node uses
/// are moved to the CPU first, least recently used first.
/// Weights a node made on the device (a loader's) are counted from then on, and whatever passes the budget is moved
/// out the same way. Room is the smaller of the budget less the weights on the device and what the device reports free.
/// A model too large for the budget even alone is loaded whole after everything else has left (ComfyUI would load part
/// of it and stream the rest, lowvram): the budget is then exceeded and a warning says so. Thread-safe.
/// </summary>
public sealed partial class ModelMemory(IDeviceMemory memory, ModelMemoryBudget budget, ILogger logger)
{
    private readonly Dictionary<IOffloadable, Entry> _entries = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _lock = new();
    private long _clock;

    /// <summary>The weights on the device, most recently used first.</summary>
    public IReadOnlyList<IOffloadable> Resident
    {
        get
        {
            lock (_lock)
                return [.. _entries.Values.Where(e => e.Weights.OnDevice).OrderByDescending(e => e.LastUse).Select(e => e.Weights)];
        }
    }

    /// <summary>The lease of a node that puts no models on the device: disposing it releases nothing.</summary>
    internal static IDisposable NoLease { get; } = new Lease(null, []);

    /// <summary>Puts <paramref name="models"/> on the device for a node's run; none of them is moved out until the lease is disposed.</summary>
    public IDisposable Use(IReadOnlyCollection<IOffloadable> models)
    {
        if (models.Count == 0)
            return NoLease;
        lock (_lock)
        {
            Forget();
            var entries = models.Distinct(ReferenceEqualityComparer.Instance).Cast<IOffloadable>().Select(Track).ToList();
            foreach (var entry in entries)
                (entry.Uses, entry.LastUse) = (entry.Uses + 1, ++_clock);
            // As load_models_gpu, the inference memory is made room for even when every model is already there.
            var toLoad = entries.Where(e => !e.Weights.OnDevice).ToList();
            long needed = toLoad.Sum(e => e.Weights.Bytes) + budget.InferenceBytes;
            if (!MakeRoom(needed) && toLoad.Count > 0)
                LogOverBudget(needed >> 20, budget.DeviceBytes >> 20);
            toLoad.ForEach(e => e.Weights.MoveToDevice());
            return new Lease(this, entries);
        }
    }

    /// <summary>Counts weights a node put on the device, as just used, then moves out what passes the budget (least recently used first).</summary>
    public void Adopt(IReadOnlyCollection<IOffloadable> models)
    {
        lock (_lock)
        {
            Forget();
            foreach (var model in models.Where(m => m.OnDevice))
                Track(model).LastUse = ++_clock;
            MakeRoom(0);
        }
    }

    /// <summary>Moves unused weights out, least recently used first, until <paramref name="needed"/> bytes are free; false if they cannot be.</summary>
    private bool MakeRoom(long needed)
    {
        while (Room() < needed)
        {
            var oldest = _entries.Values.Where(e => e.Uses == 0 && e.Weights.OnDevice).MinBy(e => e.LastUse);
            if (oldest is null)
                return false;
            LogOffloading(oldest.Weights.Bytes >> 20);
            oldest.Weights.MoveToHost();
        }
        return true;
    }

    private long Room()
    {
        long resident = _entries.Values.Where(e => e.Weights.OnDevice).Sum(e => e.Weights.Bytes);
        return Math.Min(budget.DeviceBytes - resident, memory.Read().Free);
    }

    private Entry Track(IOffloadable weights)
    {
        if (!_entries.TryGetValue(weights, out var entry))
            _entries[weights] = entry = new Entry(weights);
        return entry;
    }

    /// <summary>Drops entries whose weights were freed (their values left the cache).</summary>
    private void Forget()
    {
        foreach (var dead in _entries.Keys.Where(w => !w.IsAlive).ToList())
            _entries.Remove(dead);
    }

    private void Release(IReadOnlyList<Entry> entries)
    {
        lock (_lock)
            foreach (var entry in entries)
                entry.Uses--;
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Debug, Message = "Moving {MegaBytes} MiB of weights to the CPU to make room on the device")]
    private partial void LogOffloading(long megaBytes);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning,
        Message = "The models this node runs need {NeededMegaBytes} MiB with their inference memory, more than the device budget of {BudgetMegaBytes} MiB leaves (--vram-mb); loading them whole, which may run out of device memory")]
    private partial void LogOverBudget(long neededMegaBytes, long budgetMegaBytes);

    private sealed class Entry(IOffloadable weights)
    {
        public IOffloadable Weights => weights;
        public long LastUse { get; set; }
        public int Uses { get; set; }
    }

    private sealed class Lease(ModelMemory? owner, IReadOnlyList<Entry> entries) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (owner is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.Release(entries);
        }
    }
}
