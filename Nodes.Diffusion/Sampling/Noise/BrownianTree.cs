using System.Globalization;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.Noise;

/// <summary>
/// torchsde's BrownianTree (v0.2.6: BrownianInterval with halfway_tree, tol 1e-6, pool_size 24, no Lévy area): one
/// Brownian motion on [t0, t1] whose increment over any [ta, tb] is found by bisecting a binary tree of intervals. Each
/// interval's increment is split between its halves with fresh normal noise from a generator seeded by numpy's
/// SeedSequence(entropy, spawn_key=(position, depth)), so the path depends only on the entropy, never on the queries.
/// Times are rounded to 6 decimals as torchsde does; increments are float32 from the same CPU randn as PyTorch.
/// </summary>
public sealed class BrownianTree : IDisposable
{
    private const int PoolSize = 24;
    private const int Digits = 6;            // tol = 1e-6
    private const int CacheSize = 45;        // torchsde's default LRU size; values are recomputed identically when evicted

    private readonly long[] _shape;
    private readonly ulong _entropy;
    private readonly Interval _root;
    private readonly Tensor _rootIncrement;
    private readonly Queue<Interval> _cached = new();
    private Interval _last;

    public BrownianTree(long[] shape, double t0, double t1, ulong entropy)
    {
        if (!(t0 < t1))
            throw new ArgumentException($"A Brownian tree needs t0 < t1, got [{t0}, {t1}].");
        _shape = shape;
        _entropy = entropy;
        _root = new Interval(Round(t0), Round(t1), null, isLeft: false);
        _last = _root;
        uint initialSeed = new SeedSequence(entropy, [], PoolSize).GenerateState(3)[0];
        using var unit = Randn(initialSeed);
        _rootIncrement = (unit * Math.Sqrt(t1 - t0)).DetachFromDisposeScope();
    }

    /// <summary>W(tb) − W(ta) for ta ≤ tb, each clamped into the tree's interval (BrownianInterval.__call__).</summary>
    public Tensor Increment(double ta, double tb)
    {
        (ta, tb) = (Math.Clamp(ta, _root.Start, _root.End), Math.Clamp(tb, _root.Start, _root.End));
        if (ta > tb)
            throw new ArgumentException($"Brownian increments need ta <= tb, got {ta} and {tb}.");
        if (ta == tb)
            return torch.zeros(_shape, torch.float32);
        var intervals = new List<Interval>();
        Locate(_last, Round(ta), Round(tb), intervals);
        _last = intervals[^1];
        var total = IncrementOf(intervals[0]).alias();
        foreach (var interval in intervals.Skip(1))
        {
            using var sum = total + IncrementOf(interval);
            total.Dispose();
            total = sum.alias();
        }
        return total;
    }

    /// <summary>torchsde's _loc_inner: the existing (or newly split) intervals that tile [ta, tb], in order.</summary>
    private void Locate(Interval node, double ta, double tb, List<Interval> found)
    {
        while (true)
        {
            if (ta < node.Start || tb > node.End)
            {
                node = node.Parent ?? throw new InvalidOperationException($"[{ta}, {tb}] lies outside the Brownian tree.");
                continue;
            }
            if (ta == node.Start && tb == node.End)
            {
                found.Add(node);
                return;
            }
            if (node.Midway is not double midway)
            {
                if (ta == node.Start)
                {
                    Split(node, tb);
                    node = node.Left!;
                }
                else
                {
                    Split(node, ta);
                    node = node.Right!;
                }
                continue;
            }
            if (tb <= midway)
                node = node.Left!;
            else if (ta >= midway)
                node = node.Right!;
            else
            {
                Locate(node.Left!, ta, midway, found);
                (node, ta) = (node.Right!, midway);
            }
        }
    }

    /// <summary>Halfway-tree split: halve the interval until <paramref name="point"/> is a boundary.</summary>
    private void Split(Interval node, double point)
    {
        while (true)
        {
            double midway = Round(0.5 * (node.End + node.Start));
            node.Midway = midway;
            (node.SpawnKey, node.Depth) = node.Parent is { } parent ? (2 * parent.SpawnKey + (node.IsLeft ? 0ul : 1ul), parent.Depth + 1) : (0ul, 0);
            if (node.Depth > 60)
                throw new InvalidOperationException($"The Brownian tree cannot resolve t = {point} (depth {node.Depth}).");
            node.Seed = new SeedSequence(_entropy, [node.SpawnKey, (ulong)node.Depth], PoolSize).GenerateState(4)[0];
            node.Left = new Interval(node.Start, midway, node, isLeft: true);
            node.Right = new Interval(midway, node.End, node, isLeft: false);
            if (point > midway)
                node = node.Right;
            else if (point < midway)
                node = node.Left;
            else
                return;
        }
    }

    /// <summary>The increment over one tree interval: its parent's, split with the parent's noise (a Brownian bridge).</summary>
    private Tensor IncrementOf(Interval node)
    {
        if (node.Parent is not { } parent)
            return _rootIncrement;
        if (node.Increment is { } cached)
            return cached;
        using var scope = torch.NewDisposeScope();
        var parentIncrement = IncrementOf(parent);
        double reciprocal = 1 / (parent.End - parent.Start);
        double leftDiff = parent.Midway!.Value - parent.Start, rightDiff = parent.End - parent.Midway.Value;
        var mean = parentIncrement * leftDiff * reciprocal;
        double variance = leftDiff * rightDiff * reciprocal;
        var left = mean + Randn(parent.Seed) * Math.Sqrt(variance);
        var increment = (node.IsLeft ? left : parentIncrement - left).DetachFromDisposeScope();
        Remember(node, increment);
        return increment;
    }

    private void Remember(Interval node, Tensor increment)
    {
        node.Increment = increment;
        _cached.Enqueue(node);
        if (_cached.Count <= CacheSize)
            return;
        var evicted = _cached.Dequeue();
        evicted.Increment?.Dispose();
        evicted.Increment = null;
    }

    private Tensor Randn(uint seed)
    {
        using var generator = new Generator(seed);
        return torch.randn(_shape, generator, torch.float32);
    }

    /// <summary>Python's round(x, 6): the exact binary value rounded to 6 decimals, read back.</summary>
    private static double Round(double x) =>
        double.Parse(x.ToString("F" + Digits, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _rootIncrement.Dispose();
        foreach (var node in _cached)
            node.Increment?.Dispose();
        _cached.Clear();
    }

    private sealed class Interval(double start, double end, Interval? parent, bool isLeft)
    {
        public double Start { get; } = start;
        public double End { get; } = end;
        public Interval? Parent { get; } = parent;
        public bool IsLeft { get; } = isLeft;
        public double? Midway { get; set; }
        public ulong SpawnKey { get; set; }
        public int Depth { get; set; }
        public uint Seed { get; set; }
        public Interval? Left { get; set; }
        public Interval? Right { get; set; }
        public Tensor? Increment { get; set; }
    }
}
