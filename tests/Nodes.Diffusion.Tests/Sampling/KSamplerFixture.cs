using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Sampling.KDiffusion;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sampling;

/// <summary>
/// ../shared/golden/ksampler: ComfyUI's k-diffusion samplers and schedulers run verbatim on a documented toy denoiser
/// (its README). Everything a test compares or feeds in is read from here: schedules, runs, the toy's constants.
/// </summary>
public static class KSamplerFixture
{
    public const string Name = "ksampler";

    public static JsonNode Manifest => Golden.Json(Name, "manifest.json");

    /// <summary>The run entries (manifest → runs) by name.</summary>
    public static JsonObject Run(string name) => Manifest["runs"]![name]!.AsObject();

    /// <summary>
    /// The toy denoiser of manifest → toy_denoiser: D(x, σ) = x·a/(1+σ²) + tanh(x)·bσ/√(1+σ²) + c[channel], in float32 in
    /// the order the manifest gives; each call's σ is reported to <paramref name="onCall"/>.
    /// </summary>
    public static Denoiser ToyDenoiser(Action<float> onCall)
    {
        var toy = Manifest["toy_denoiser"]!;
        double a = (double)toy["a"]!, b = (double)toy["b"]!;
        var c = toy["c"]!.AsArray().Select(v => (float)(double)v!).ToArray();
        return (x, sigma) =>
        {
            onCall(sigma);
            using var scope = torch.NewDisposeScope();
            var s = torch.full([x.shape[0]], sigma, torch.float32);
            var q = s * s + 1;
            var s1 = (q.reciprocal() * a).view(-1, 1, 1, 1);
            var s2 = (s * b / q.sqrt()).view(-1, 1, 1, 1);
            var output = x * s1;
            output = output + torch.tanh(x) * s2;
            output = output + torch.tensor(c).view(1, -1, 1, 1);
            return output.MoveToOuterDisposeScope();
        };
    }
}
