using Workflow.Nodes.Diffusion.Patching;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>One layer of a LoRA file: its factors (up [out, rank, ...], down [rank, in, ...]) and alpha, if stored.</summary>
public sealed record LoraLayer(string Name, Tensor Up, Tensor Down, double? Alpha)
{
    public long Rank => Down.shape[0];

    /// <summary>strength × alpha / rank (alpha absent: rank, so the factor is the strength), as ComfyUI's LoRA adapter.</summary>
    public double Scale(double strength) => strength * (Alpha ?? Rank) / Rank;
}

/// <summary>
/// The layers of a LoRA file (safetensors or a PyTorch pickle, read weights-only), by the names their keys share:
/// kohya/A1111 (<c>NAME.lora_up.weight</c>, <c>.lora_down.weight</c>, <c>.alpha</c>), PEFT (<c>.lora_B.weight</c>,
/// <c>.lora_A.weight</c>), diffusers' LoRA layers (<c>.lora.up.weight</c>) and attention processors
/// (<c>NAME_lora.up.weight</c>), as ComfyUI's load_lora reads them. Other keys are kept as unrecognised for the
/// "not loaded" warning. LoCon's Tucker factor (<c>lora_mid</c>) and DoRA's magnitudes are refused by name.
/// </summary>
public sealed class LoraFile : IDisposable
{
    private static readonly (string Suffix, bool Up)[] FactorSuffixes =
        [(".lora_up.weight", true), (".lora_down.weight", false), (".lora_B.weight", true), (".lora_A.weight", false),
         (".lora.up.weight", true), (".lora.down.weight", false), ("_lora.up.weight", true), ("_lora.down.weight", false)];

    private LoraFile(string path, IReadOnlyList<LoraLayer> layers, IReadOnlyList<string> unrecognisedKeys) =>
        (Path, Layers, UnrecognisedKeys) = (path, layers, unrecognisedKeys);

    public string Path { get; }

    public IReadOnlyList<LoraLayer> Layers { get; }

    /// <summary>Keys that belong to no layer, in the file's order.</summary>
    public IReadOnlyList<string> UnrecognisedKeys { get; }

    public static LoraFile Load(string path)
    {
        using var file = TensorFile.Open(path);
        var ups = new Dictionary<string, string>(StringComparer.Ordinal);
        var downs = new Dictionary<string, string>(StringComparer.Ordinal);
        var alphas = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = new List<string>();
        foreach (var key in file.Entries.Select(e => e.Name))
        {
            Refuse(path, key);
            if (FactorSuffixes.FirstOrDefault(s => key.EndsWith(s.Suffix, StringComparison.Ordinal)) is ({ } suffix, var up))
                (up ? ups : downs)[key[..^suffix.Length]] = key;
            else if (key.EndsWith(".alpha", StringComparison.Ordinal))
                alphas[key[..^".alpha".Length]] = key;
            else
                rest.Add(key);
        }
        rest.AddRange(ups.Keys.Where(n => !downs.ContainsKey(n)).Select(n => ups[n]));
        rest.AddRange(downs.Keys.Where(n => !ups.ContainsKey(n)).Select(n => downs[n]));
        rest.AddRange(alphas.Keys.Where(n => !ups.ContainsKey(n) || !downs.ContainsKey(n)).Select(n => alphas[n]));
        var layers = new List<LoraLayer>();
        try
        {
            foreach (var name in ups.Keys.Where(downs.ContainsKey))
                layers.Add(new LoraLayer(name, file.Load(ups[name], torch.float32), file.Load(downs[name], torch.float32),
                    alphas.TryGetValue(name, out var alpha) ? Alpha(file, alpha) : null));
        }
        catch
        {
            DisposeAll(layers);
            throw;
        }
        return new LoraFile(path, layers, rest);
    }

    /// <summary>
    /// The layers <paramref name="names"/> maps onto <paramref name="target"/>'s weights, at <paramref name="strength"/>
    /// (their own copies, on each weight's device; none at strength 0). Their names are added to <paramref name="bound"/>.
    /// A layer whose factors do not fit its weight is refused naming both keys and all three shapes.
    /// </summary>
    public LoraPatch Patch(Module target, IReadOnlyDictionary<string, string> names, double strength, ISet<string> bound)
    {
        var weights = target.state_dict();
        var deltas = new List<WeightDelta>();
        foreach (var layer in Layers)
        {
            if (!names.TryGetValue(layer.Name, out var key))
                continue;
            var weight = weights[key];
            CheckFits(layer, key, weight.shape);
            bound.Add(layer.Name);
            if (strength != 0)
                deltas.Add(new WeightDelta(key, layer.Up.to(weight.device, torch.float32, copy: true), layer.Down.to(weight.device, torch.float32, copy: true), layer.Scale(strength)));
        }
        return new LoraPatch(deltas);
    }

    public void Dispose() => DisposeAll(Layers);

    /// <summary>up.flatten(1) · down.flatten(1) must be [out, in·k·k] of the weight (ComfyUI reshapes the product to the weight's shape).</summary>
    private void CheckFits(LoraLayer layer, string key, long[] weight)
    {
        long upColumns = layer.Up.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        long downColumns = layer.Down.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        long weightColumns = weight.Skip(1).Aggregate(1L, (a, b) => a * b);
        if (layer.Up.dim() < 2 || layer.Down.dim() < 2 || upColumns != layer.Rank || layer.Up.shape[0] != weight[0] || downColumns != weightColumns)
            throw new InvalidDataException($"{Path}: LoRA layer {layer.Name} (up {Shape(layer.Up.shape)}, down {Shape(layer.Down.shape)}) " +
                                           $"does not fit {key} {Shape(weight)}.");
    }

    private static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static void Refuse(string path, string key)
    {
        if (key.EndsWith(".lora_mid.weight", StringComparison.Ordinal))
            throw new NotSupportedException($"{path}: {key} is a LoCon Tucker factor (lora_mid), which is not supported; save the LoRA without --use_tucker.");
        if (key.EndsWith(".dora_scale", StringComparison.Ordinal))
            throw new NotSupportedException($"{path}: {key} is a DoRA magnitude, which is not supported: only plain LoRA and LoCon layers are.");
    }

    private static double Alpha(ITensorFile file, string key)
    {
        using var alpha = file.Load(key, torch.float64);
        return alpha.numel() == 1 ? alpha.item<double>() : throw new InvalidDataException($"{file.Path}: {key} has shape [{string.Join(", ", alpha.shape)}], not a single number.");
    }

    private static void DisposeAll(IEnumerable<LoraLayer> layers)
    {
        foreach (var layer in layers)
        {
            layer.Up.Dispose();
            layer.Down.Dispose();
        }
    }
}
