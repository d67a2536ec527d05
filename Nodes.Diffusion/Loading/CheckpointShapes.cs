using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// The keys and shapes of a checkpoint under one prefix, for inferring a model's configuration (ComfyUI
/// model_detection.py). Work is linear in the keys, however they are named: the numbered prefixes ("encoder.down.3.")
/// are indexed once, so counting blocks is a lookup per block, not a scan of every key per block.
/// </summary>
public sealed class CheckpointShapes(ITensorSource source, string prefix, string description)
{
    private HashSet<string>? _numberedPrefixes;

    public string FilePath => description;

    public bool Has(string key) => source.TryGetShape(prefix + key, out _);

    public long[] Shape(string key) =>
        source.TryGetShape(prefix + key, out var shape) ? shape : throw new InvalidDataException($"{description}: expected a tensor {prefix + key}, which is missing");

    /// <summary>How many consecutive indices N have a key starting "<paramref name="stem"/>N." (0, 1, 2, ...).</summary>
    public int Count(string stem)
    {
        _numberedPrefixes ??= NumberedPrefixes();
        int n = 0;
        while (_numberedPrefixes.Contains($"{stem}{n}."))
            n++;
        return n;
    }

    /// <summary>Every key's beginnings that end in a numeric segment and its dot: "a.0.b.1.c" gives "a.0." and "a.0.b.1.".</summary>
    private HashSet<string> NumberedPrefixes()
    {
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in source.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var rest = key.AsSpan(prefix.Length);
            for (int start = 0, dot; (dot = rest[start..].IndexOf('.')) >= 0; start += dot + 1)
            {
                var segment = rest.Slice(start, dot);
                if (segment.Length > 0 && !segment.ContainsAnyExceptInRange('0', '9'))
                    prefixes.Add(rest[..(start + dot + 1)].ToString());
            }
        }
        return prefixes;
    }
}
