using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Precision;

/// <summary>
/// The reference's own float32-vs-bfloat16 spread on a golden fixture, and the half-precision tolerance derived from it.
/// Precision/reference_spread.py runs every component call the fixture records through the eager ports of the upstream
/// models (Benchmarks/*_reference.py, on Debian's PyTorch) in float32 and in bfloat16, and reports per output
/// max|bf16 − fp32| beside other, equally valid bfloat16 computations of the same call. Measured once per fixture
/// folder in a test run (sd15-tiny takes about 11 s, sd3-tiny about 4 s).
/// </summary>
internal static class ReferenceSpread
{
    /// <summary>
    /// k in tolerance = k × (reference's bf16-vs-fp32 spread) + the manifest's float32 tolerance. Measured on sd15-tiny
    /// and sd3-tiny (15 outputs, the 10-step e2e run among them): a bfloat16 run that computes every op in float32 on
    /// the same bfloat16 values (as fused kernels and tensor cores do) lands at most 1.20× the spread from float32 and
    /// at most 1.36× from the reference's bfloat16; ComfyUI-style float32 latents, a float32 softmax, another batch
    /// composition or thread count land within 1.03× of it from float32. Two leaves room for a port's own grouping of
    /// ops, and still refuses a torch 1.13 kernel defect measured at 20× the spread (channels-last bfloat16 GroupNorm
    /// in the VAE decoder).
    /// </summary>
    public const double SpreadMultiple = 2;

    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<OutputSpread>>> Measured = new();

    /// <summary>Every output the fixture's manifest lists for the calls the script runs, measured.</summary>
    public static IReadOnlyList<OutputSpread> Of(string fixture) =>
        Measured.GetOrAdd(Golden.Folder(fixture), folder => new(() => Measure(folder))).Value;

    /// <summary>One output's measurement, by its golden file (as the manifest names it) and tensor name.</summary>
    public static OutputSpread Of(string fixture, string file, string name) =>
        Of(fixture).SingleOrDefault(o => o.File == file && o.Name == name)
        ?? throw new KeyNotFoundException($"{fixture}: reference_spread.py measured no output '{name}' of {file}");

    /// <summary>The max |bf16 − golden| a bfloat16 run of this output is allowed (see <see cref="SpreadMultiple"/>).</summary>
    public static double Bfloat16Tolerance(string fixture, string file, string name) => Of(fixture, file, name).Bfloat16Tolerance;

    private static IReadOnlyList<OutputSpread> Measure(string folder)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Precision", "reference_spread.py");
        var report = JsonNode.Parse(ReferencePython.Run(script, folder))
            ?? throw new InvalidDataException($"reference_spread.py printed nothing for {folder}");
        return report["outputs"]!.AsArray().Select(o => OutputSpread.Read(o!)).ToList();
    }
}

/// <summary>
/// One output's measurement: max|golden|, the manifest's float32 tolerance, max|fp32 − golden| (the port is the
/// reference), max|bf16 − fp32| (the spread) and the other bfloat16 computations by name ("float32_ops", "batch",
/// "upcast_softmax", "float32_latents"; see reference_spread.py).
/// </summary>
internal sealed record OutputSpread(
    string File, string Name, double GoldenMaxAbs, double Float32Tolerance, double Float32VsGolden, double Bfloat16VsFloat32,
    IReadOnlyDictionary<string, VariantSpread> Variants)
{
    public double Bfloat16Tolerance => ReferenceSpread.SpreadMultiple * Bfloat16VsFloat32 + Float32Tolerance;

    public static OutputSpread Read(JsonNode output) => new(
        (string)output["file"]!, (string)output["name"]!, (double)output["golden_max_abs"]!, (double)output["fp32_tolerance"]!,
        (double)output["fp32_vs_golden"]!, (double)output["bf16_vs_fp32"]!,
        output["variants"]!.AsObject().ToDictionary(v => v.Key, v => new VariantSpread((double)v.Value!["vs_fp32"]!, (double)v.Value!["vs_bf16"]!)));
}

/// <summary>Another bfloat16 computation of the same call: its max distance from the float32 run and from the reference's bfloat16 run.</summary>
internal sealed record VariantSpread(double VsFloat32, double VsBfloat16);
