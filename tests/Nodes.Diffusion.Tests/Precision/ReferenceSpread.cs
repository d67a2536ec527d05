using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Precision;

/// <summary>
/// The reference's own float32-vs-half-precision spread on a golden fixture, and the half-precision tolerance derived
/// from it. Precision/reference_spread.py runs every component call the fixture records through the eager ports of the
/// upstream models (Benchmarks/*_reference.py, on <see cref="ReferencePython"/>'s PyTorch) in float32 and in the half
/// dtype on the device, and reports per output max|half − fp32| beside other, equally valid half-precision
/// computations of the same call. Measured once per fixture folder, dtype and device in a test run (in bfloat16 on
/// the CPU sd15-tiny takes about 11 s, sd3-tiny about 4 s).
/// </summary>
internal static class ReferenceSpread
{
    /// <summary>
    /// k in tolerance = k × (reference's half-vs-fp32 spread) + the manifest's float32 tolerance. Measured in bfloat16
    /// on the CPU on sd15-tiny and sd3-tiny (15 outputs, the 10-step e2e run among them): a bfloat16 run that computes
    /// every op in float32 on the same bfloat16 values (as fused kernels and tensor cores do) lands at most 1.20× the
    /// spread from float32 and at most 1.36× from the reference's bfloat16; ComfyUI-style float32 latents, a float32
    /// softmax, another batch composition or thread count land within 1.03× of it from float32. Two leaves room for a
    /// port's own grouping of ops, and still refuses a torch 1.13 kernel defect measured at 20× the spread
    /// (channels-last bfloat16 GroupNorm in the VAE decoder). On CUDA the same variants (all but the thread count) are
    /// measured at the run's own dtype, and <see cref="ReferenceSpreadTests"/>' checks hold them to the same k.
    /// </summary>
    public const double SpreadMultiple = 2;

    private static readonly ConcurrentDictionary<(string Folder, HalfPrecision Precision), Lazy<IReadOnlyList<OutputSpread>>> Measured = new();

    /// <summary>Every output the fixture's manifest lists for the calls the script runs, measured at <paramref name="precision"/>.</summary>
    public static IReadOnlyList<OutputSpread> Of(string fixture, HalfPrecision precision) =>
        Measured.GetOrAdd((Golden.Folder(fixture), precision), key => new(() => Measure(key.Folder, key.Precision))).Value;

    /// <summary>One output's measurement, by its golden file (as the manifest names it) and tensor name.</summary>
    public static OutputSpread Of(string fixture, HalfPrecision precision, string file, string name) =>
        Of(fixture, precision).SingleOrDefault(o => o.File == file && o.Name == name)
        ?? throw new KeyNotFoundException($"{fixture}: reference_spread.py {precision} measured no output '{name}' of {file}");

    /// <summary>The max |half − golden| a run of this output at <paramref name="precision"/> is allowed (see <see cref="SpreadMultiple"/>).</summary>
    public static double Tolerance(string fixture, HalfPrecision precision, string file, string name) =>
        Of(fixture, precision, file, name).HalfTolerance;

    private static IReadOnlyList<OutputSpread> Measure(string folder, HalfPrecision precision)
    {
        // beside this assembly: under xunit's console runner (the GPU check) AppContext.BaseDirectory is the runner's
        var script = Path.Combine(Path.GetDirectoryName(typeof(ReferenceSpread).Assembly.Location)!, "Precision", "reference_spread.py");
        var report = JsonNode.Parse(ReferencePython.Run([script, folder, .. precision.ScriptArguments]))
            ?? throw new InvalidDataException($"reference_spread.py {precision} printed nothing for {folder}");
        return report["outputs"]!.AsArray().Select(o => OutputSpread.Read(o!, precision.Tag)).ToList();
    }
}

/// <summary>A half dtype on a device, as reference_spread.py measures it: bfloat16 on the CPU, float16 or bfloat16 on CUDA.</summary>
internal sealed record HalfPrecision(DeviceType Device, ScalarType Dtype)
{
    public static HalfPrecision CpuBfloat16 { get; } = new(DeviceType.CPU, ScalarType.BFloat16);

    /// <summary>The short name the script's report keys carry ("bf16_vs_fp32", "vs_fp16").</summary>
    public string Tag => Dtype switch
    {
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        _ => throw new NotSupportedException($"{Dtype} is not a half-precision dtype reference_spread.py measures"),
    };

    public IEnumerable<string> ScriptArguments =>
        ["--dtype", Dtype == ScalarType.Float16 ? "float16" : "bfloat16", "--device", Device == DeviceType.CUDA ? "cuda" : "cpu"];

    public override string ToString() => string.Join(' ', ScriptArguments);
}

/// <summary>
/// One output's measurement: max|golden|, the manifest's float32 tolerance, max|fp32 − golden| (the port is the
/// reference), max|half − fp32| (the spread) and the other half-precision computations by name ("float32_ops",
/// "batch", "upcast_softmax", "float32_latents"; see reference_spread.py).
/// </summary>
internal sealed record OutputSpread(
    string File, string Name, double GoldenMaxAbs, double Float32Tolerance, double Float32VsGolden, double HalfVsFloat32,
    IReadOnlyDictionary<string, VariantSpread> Variants)
{
    public double HalfTolerance => ReferenceSpread.SpreadMultiple * HalfVsFloat32 + Float32Tolerance;

    /// <summary>Reads one output of the report, whose spread keys carry the dtype's <paramref name="tag"/>.</summary>
    public static OutputSpread Read(JsonNode output, string tag) => new(
        (string)output["file"]!, (string)output["name"]!, (double)output["golden_max_abs"]!, (double)output["fp32_tolerance"]!,
        (double)output["fp32_vs_golden"]!, (double)output[$"{tag}_vs_fp32"]!,
        output["variants"]!.AsObject().ToDictionary(v => v.Key, v => new VariantSpread((double)v.Value!["vs_fp32"]!, (double)v.Value![$"vs_{tag}"]!)));
}

/// <summary>Another half-precision computation of the same call: its max distance from the float32 run and from the reference's half-precision run.</summary>
internal sealed record VariantSpread(double VsFloat32, double VsHalf);
