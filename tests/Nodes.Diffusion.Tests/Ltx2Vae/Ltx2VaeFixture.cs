using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.Ltx2Vae;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Ltx2Vae;

/// <summary>
/// The ltx2-vae-tiny fixture: its two diffusers folders (plain and timestep-conditioned), its golden tensor files, and
/// what its manifest records about how they were made (calls, SANA-WM's tiling attributes, the decoder calls seen).
/// </summary>
internal static partial class Ltx2VaeFixture
{
    public const string Name = "ltx2-vae-tiny";

    public static JsonNode Manifest => Golden.Json(Name, "manifest.json");

    public static GoldenTensors Tensors(string file) => GoldenTensors.Open(Name, file);

    /// <summary>The folder the manifest names for a model ("model" or "model_tc"): its "folder" entry's first word.</summary>
    public static string FolderOf(string model) =>
        Golden.File(Name, ((string)Manifest[model]!["folder"]!).Split(' ')[0].TrimEnd('/'));

    public static AutoencoderKLLTX2Video Load(string model = "model") => Ltx2VaeCheckpoint.Load(FolderOf(model));

    /// <summary>The tiling attributes SanaWMPipeline left on the VAE, as the manifest records them.</summary>
    public static Ltx2VaeTiling SanaWmTiling
    {
        get
        {
            var a = Manifest["sanawm_vae_settings"]!["resulting_attributes"]!;
            int Int(string key) => (int)a[key]!;
            return new Ltx2VaeTiling((bool)a["use_tiling"]!, (bool)a["use_framewise_decoding"]!,
                Int("tile_sample_min_height"), Int("tile_sample_min_width"), Int("tile_sample_min_num_frames"),
                Int("tile_sample_stride_height"), Int("tile_sample_stride_width"), Int("tile_sample_stride_num_frames"));
        }
    }

    /// <summary>The timestep-conditioned decodes: each setting of calls.tc, with its decode timestep, noise scale and generator seed.</summary>
    public static IEnumerable<(int Index, Ltx2DecodeTimestep Settings, long Seed)> TimestepDecodes() =>
        Manifest["calls"]!["tc"]!["settings"]!.AsArray().Select((s, i) => (i,
            new Ltx2DecodeTimestep((double)s!["decode_timestep"]!, (double?)s["decode_noise_scale"]),
            long.Parse(SeedPattern().Match((string)s["generator"]!).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The [T, h, w] of each decoder call the manifest observed under <paramref name="key"/> (e.g. "framewise_decoder_calls").</summary>
    public static IEnumerable<string> ObservedCalls(string key) =>
        Manifest["observed"]![key]!.AsArray().Select(c => string.Join("x", c!.AsArray().Skip(2).Select(d => (long)d!)));

    /// <summary>The tensors a test produced, by their name under a golden prefix, inputs included.</summary>
    public static Dictionary<string, Tensor> Produced(IReadOnlyDictionary<string, Tensor> captured, params (string Name, Tensor Tensor)[] more)
    {
        var produced = new Dictionary<string, Tensor>(captured);
        foreach (var (name, tensor) in more)
            produced[name] = tensor;
        return produced;
    }

    [GeneratedRegex(@"manual_seed\((\d+)\)")]
    private static partial Regex SeedPattern();
}
