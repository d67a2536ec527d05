using System.Globalization;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Refining;

/// <summary>
/// What a refiner run's result depends on, field by field, so a saved state is resumed only by the run that made it
/// and a refusal can say what differs: the model's weights, block size, sink, window, seed, schedule, fps (RoPE), the
/// prompt embeddings with their mask, and the input latents (SHA-256 digests for the tensors). SANA-WM checked only
/// block size, sink and the output's shape (../shared/notes/sana_wm.md §7); the rest is what made its resume unsafe.
/// </summary>
public sealed record RefinerFingerprint(IReadOnlyList<KeyValuePair<string, string>> Fields)
{
    /// <summary>Fields whose values are digests: a difference is named, not printed.</summary>
    private static readonly Dictionary<string, string> Described = new()
    {
        ["model"] = "the model's weights",
        ["prompt"] = "the prompt embeddings",
        ["latents"] = "the input latents",
    };

    public static RefinerFingerprint Of(string modelIdentity, RefinerSettings settings, RefinerInputs inputs)
    {
        using var prompt = new TensorDigest();
        prompt.Add("prompt_embeds", inputs.PromptEmbeds);
        if (inputs.PromptMask is { } mask)
            prompt.Add("prompt_attention_mask", mask);
        using var latents = new TensorDigest();
        latents.Add("latents", inputs.Latents);
        return new RefinerFingerprint(
        [
            new("model", modelIdentity),
            new("block_size", Text(settings.BlockSize)),
            new("sink_frames", Text(settings.SinkFrames)),
            new("kv_max_frames", Text(settings.KvMaxFrames)),
            new("seed", settings.Seed.ToString(CultureInfo.InvariantCulture)),
            new("sigmas", string.Join(", ", settings.Sigmas.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))),
            new("fps", settings.Fps.ToString("R", CultureInfo.InvariantCulture)),
            new("prompt", prompt.HexDigest()),
            new("latents", latents.HexDigest()),
        ]);
    }

    /// <summary>The value of one field.</summary>
    public string this[string field] => Fields.First(f => f.Key == field).Value;

    /// <summary>A short digest of all fields: the name of a run's default checkpoint folder.</summary>
    public string Digest()
    {
        using var digest = new TensorDigest();
        foreach (var (field, value) in Fields)
            digest.Add($"{field}={value}");
        return digest.HexDigest()[..16];
    }

    /// <summary>How a saved run differs from this one, one phrase per field ("seed is 43 here but 42 in the state"); empty when it is this run.</summary>
    public IReadOnlyList<string> Differences(IReadOnlyDictionary<string, string> saved) =>
        Fields.Where(f => !saved.TryGetValue(f.Key, out var theirs) || theirs != f.Value).Select(f => Described.TryGetValue(f.Key, out var what)
            ? $"{what} differ"
            : $"{f.Key} is {f.Value} here but {(saved.TryGetValue(f.Key, out var theirs) ? theirs : "absent")} in the state").ToList();

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
