using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.MultiView;

/// <summary>
/// A multi-view MODEL's DDIM timesteps and ᾱ are LDM's (make_ddim_timesteps("uniform") and make_ddim_sampling_parameters,
/// as MVDream's sampler makes them) for every step count the fixture records, including the counts that give more
/// steps than asked, and the one LDM cannot run, which is refused before sampling.
/// </summary>
public sealed class LdmDdimScheduleTests
{
    private static readonly string Table = MultiViewModels.File(MultiViewModels.MvDream, "ddim_timesteps");

    public static TheoryData<int> StepCounts =>
        Golden.Rows(MultiviewFixture.Name, () => Rows().Select(r => (int)r["S"]!), -1);

    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(StepCounts))]
    public void Timesteps_and_alphas_are_ldms(int steps)
    {
        var row = Rows().Single(r => (int)r["S"]! == steps);
        using var model = MultiViewModels.Load(MultiViewModels.MvDream);
        var scheduler = new DdimScheduler(model.Schedule);

        if (row["error"] is not null)
        {
            Assert.NotNull(DdimScheduler.StepsProblem(model.Schedule, steps));
            return;
        }
        Assert.Null(DdimScheduler.StepsProblem(model.Schedule, steps));
        var ascending = scheduler.Timesteps(steps).Reverse().ToArray();
        Assert.Equal(Values<long>(row, "ddim_timesteps"), ascending);
        Assert.Equal((int)row["num_steps_run"]!, ascending.Length);
        double tolerance = AlphasTolerance();
        AssertClose(Values<double>(row, "ddim_alphas"), ascending.Select(t => (double)scheduler.AlphasCumprod[(int)t]), tolerance);
        AssertClose(Values<double>(row, "ddim_alphas_prev"), ascending.Select(t => (double)scheduler.PreviousAlphaCumprod(t, steps)), tolerance);
        AssertClose(Values<double>(row, "ddim_sigmas_eta0"), ascending.Select(t => (double)scheduler.StandardDeviation(t, steps, eta: 0)), tolerance);
    }

    private static void AssertClose(IReadOnlyList<double> expected, IEnumerable<double> actual, double tolerance)
    {
        var values = actual.ToList();
        Assert.Equal(expected.Count, values.Count);
        for (int i = 0; i < values.Count; i++)
            Assert.True(Math.Abs(values[i] - expected[i]) <= tolerance, $"entry {i}: {values[i]:R}, expected {expected[i]:R} (tolerance {tolerance:G3})");
    }

    /// <summary>The fixture's tolerance for the DDIM run's ᾱ (mvdream ddim_alphas).</summary>
    private static double AlphasTolerance()
    {
        using var golden = MultiViewModels.Tensors((string)MultiViewModels.Section(MultiViewModels.MvDream)["ddim"]!["file"]!);
        return golden.Tolerance("ddim_alphas");
    }

    private static List<T> Values<T>(JsonNode row, string key) => [.. row[key]!.AsArray().Select(v => v!.GetValue<T>())];

    private static List<JsonNode> Rows() => [.. Golden.Json(MultiviewFixture.Name, Table)["rows"]!.AsArray().Select(r => r!)];
}
