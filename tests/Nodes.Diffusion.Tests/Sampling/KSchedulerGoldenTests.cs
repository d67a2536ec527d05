using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sampling;

/// <summary>ComfyUI's σ tables and every scheduler's σ lists the ksampler fixture records, within its tolerances.</summary>
public sealed class KSchedulerGoldenTests
{
    private static readonly ModelSamplingDiscrete Sampling = new(DdimSchedulerConfig.StableDiffusion1);

    public static TheoryData<string> Schedules =>
        Golden.Rows(KSamplerFixture.Name, () => KSamplerFixture.Manifest["schedules"]!.AsObject().Where(e => e.Value is JsonObject).Select(e => e.Key), "(fixture absent)");

    [GoldenFact(KSamplerFixture.Name)]
    public void Model_sampling_tables_equal_comfyui()
    {
        using var golden = GoldenTensors.Open(KSamplerFixture.Name, "schedules.safetensors");
        using var sigmas = torch.tensor(Sampling.Sigmas);
        using var logSigmas = torch.tensor(Sampling.LogSigmas);
        golden.AssertMatches("model_sampling.sigmas", sigmas);
        golden.AssertMatches("model_sampling.log_sigmas", logSigmas);
    }

    [GoldenTheory(KSamplerFixture.Name)]
    [MemberData(nameof(Schedules))]
    public void Scheduler_gives_comfyuis_sigmas(string key)
    {
        var entry = KSamplerFixture.Manifest["schedules"]![key]!;
        var scheduler = ComfyNames.Parse<SchedulerName>((string)entry["scheduler"]!);
        using var golden = GoldenTensors.Open(KSamplerFixture.Name, "schedules.safetensors");
        using var sigmas = torch.tensor(SigmaSchedule.Calculate(Sampling, scheduler, (int)entry["steps"]!));
        golden.AssertMatches(key, sigmas);
    }
}
