using System.Globalization;
using System.Text.Json;

namespace Workflow.Nodes.Diffusion.Models;

/// <summary>
/// Checks configuration values against what the models ported here can mean, before anything is built from them: a
/// config of a few bytes must not ask for a million layers or a hundred million timesteps. Every refusal is an
/// <see cref="InvalidDataException"/> naming the source (the file) and the key.
/// </summary>
public sealed class ConfigCheck(string source)
{
    /// <summary>More levels (resolutions) than any UNet or VAE has; SD uses 4.</summary>
    public const int MaxLevels = 8;

    /// <summary>Res blocks per level (SD: 2, its VAE: 2) and transformer depth (SDXL's deepest: 10).</summary>
    public const int MaxLayers = 16;

    /// <summary>Text encoder layers: OpenCLIP bigG has 32, T5-XXL 24.</summary>
    public const int MaxEncoderLayers = 64;

    /// <summary>Channels, widths and embedding sizes: SDXL's widest is 2,816 (its UNet's input), CLIP-G's MLP 5,120.</summary>
    public const int MaxWidth = 16_384;

    public string Source => source;

    /// <summary>Reads a JSON config; a value of the wrong type is reported with the file and the key's path.</summary>
    public static T Deserialize<T>(string json, string source) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json) ?? throw new InvalidDataException($"{source}: the config is empty (null)");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: {ex.Message}");
        }
    }

    public void Range(string key, long value, long min, long max)
    {
        if (value < min || value > max)
            throw Invalid(key, value.ToString(CultureInfo.InvariantCulture), $"must be between {min:N0} and {max:N0}");
    }

    public void Range(string key, double value, double min, double max)
    {
        if (!double.IsFinite(value) || value < min || value > max)
            throw Invalid(key, value.ToString("R", CultureInfo.InvariantCulture), $"must be between {min} and {max}");
    }

    /// <summary>Each entry of a per-level list, and the list's length.</summary>
    public void Each(string key, IReadOnlyList<int> values, int length, long min, long max)
    {
        if (values.Count != length)
            throw Invalid(key, $"[{string.Join(", ", values)}]", $"must have {length} entries, one per level");
        for (int i = 0; i < values.Count; i++)
            Range($"{key}[{i}]", values[i], min, max);
    }

    public void Require(bool condition, string key, object? value, string problem)
    {
        if (!condition)
            throw Invalid(key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null", problem);
    }

    private InvalidDataException Invalid(string key, string value, string problem) => new($"{source}: {key} = {value}: {problem}");
}
