using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>The keys and shapes of a checkpoint under one prefix, for inferring a model's configuration (ComfyUI model_detection.py).</summary>
public sealed class CheckpointShapes(ITensorSource source, string prefix, string description)
{
    public string FilePath => description;

    public bool Has(string key) => source.TryGetShape(prefix + key, out _);

    public long[] Shape(string key) =>
        source.TryGetShape(prefix + key, out var shape) ? shape : throw new InvalidDataException($"{description}: expected a tensor {prefix + key}, which is missing");

    /// <summary>How many consecutive indices N have a key starting "<paramref name="stem"/>N." (0, 1, 2, ...).</summary>
    public int Count(string stem)
    {
        var keys = source.Keys.Where(k => k.StartsWith(prefix + stem, StringComparison.Ordinal)).ToList();
        int n = 0;
        while (keys.Any(k => k.StartsWith($"{prefix}{stem}{n}.", StringComparison.Ordinal)))
            n++;
        return n;
    }
}
