using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// The training noise schedule of an original (LDM) checkpoint: model.params.linear_start / linear_end / timesteps /
/// parameterization of its .yaml; without a .yaml, from the betas buffer LDM's register_schedule stores beside the
/// weights (linspace(√start, √end, timesteps)², LDM's "linear", diffusers' scaled_linear); else SD's defaults.
/// </summary>
public static class LdmSchedule
{
    /// <summary>The largest |stored − rebuilt| beta accepted: float32 rounding of betas below 0.1 is under 1e-8.</summary>
    private const double BetaTolerance = 1e-8;

    public static DdimSchedulerConfig Read(YamlValues? yaml, ITensorFile file, DdimSchedulerConfig defaults)
    {
        var stored = yaml?.Number("model.params.linear_start", 0, 1) is null && file.Contains("betas") ? FromBetas(file) : null;
        return (defaults with
        {
            BetaStart = yaml?.Number("model.params.linear_start", 0, 1) ?? stored?.BetaStart ?? defaults.BetaStart,
            BetaEnd = yaml?.Number("model.params.linear_end", 0, 1) ?? stored?.BetaEnd ?? defaults.BetaEnd,
            NumTrainTimesteps = (int?)yaml?.Integer("model.params.timesteps", DdimSchedulerConfig.MinTrainTimesteps, DdimSchedulerConfig.MaxTrainTimesteps)
                ?? stored?.NumTrainTimesteps ?? defaults.NumTrainTimesteps,
            PredictionTypeName = yaml?.Text("model.params.parameterization") == "v" ? "v_prediction" : "epsilon",
        }).Checked(yaml?.Source ?? file.Path);
    }

    /// <summary>The scaled-linear schedule the stored betas are, or a refusal naming the file.</summary>
    private static DdimSchedulerConfig FromBetas(ITensorFile file)
    {
        using var scope = torch.NewDisposeScope();
        var betas = file.Load("betas", torch.float64);
        if (betas.ndim != 1 || betas.shape[0] < DdimSchedulerConfig.MinTrainTimesteps || betas.shape[0] > DdimSchedulerConfig.MaxTrainTimesteps)
            throw new InvalidDataException($"{file.Path}: betas [{string.Join(", ", betas.shape)}] is not a schedule of {DdimSchedulerConfig.MinTrainTimesteps} to {DdimSchedulerConfig.MaxTrainTimesteps:N0} timesteps");
        var values = betas.ToArray<double>();
        var (start, end) = (values[0], values[^1]);
        var rebuilt = !(start >= 0 && end >= start && end <= 1) ? null
            : torch.linspace(Math.Sqrt(start), Math.Sqrt(end), values.Length, torch.float64).pow(2).ToArray<double>();
        if (rebuilt is null || values.Zip(rebuilt).Any(p => Math.Abs(p.First - p.Second) > BetaTolerance))
            throw new NotSupportedException($"{file.Path}: the stored betas are not LDM's linear schedule (linspace(√start, √end, n)²); put the checkpoint's .yaml beside it");
        return new DdimSchedulerConfig { BetaStart = start, BetaEnd = end, NumTrainTimesteps = values.Length };
    }
}
