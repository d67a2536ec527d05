using Workflow.Nodes.Diffusion.Models.MultiView;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.MultiView;

/// <summary>
/// MultiViewUNetModel against bytedance/MVDream's on the tiny checkpoint: the prediction at every timestep the fixture
/// records, the intermediates of the first call, and cross-view attention (num_frames = V against 1).
/// </summary>
public sealed class MvDreamUNetParityTests
{
    private static readonly string Goldens = MultiViewModels.File(MultiViewModels.MvDream, "unet_goldens");

    public static TheoryData<long> Timesteps =>
        Golden.Rows(MultiviewFixture.Name, () => Inputs()["timesteps"]!.AsArray().Select(t => (long)t!), -1L);

    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(Timesteps))]
    public void Noise_prediction_matches_mvdream(long timestep)
    {
        using var golden = MultiViewModels.Tensors(Goldens);
        using var model = MultiViewModels.Load(MultiViewModels.MvDream);
        using var scope = torch.NewDisposeScope();

        var eps = Forward(model, golden, timestep, (int)Inputs()["num_frames"]!);

        golden.AssertMatches($"eps_t{timestep}", eps);
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void Every_recorded_intermediate_matches_mvdream()
    {
        using var golden = MultiViewModels.Tensors(Goldens);
        using var model = MultiViewModels.Load(MultiViewModels.MvDream);
        using var captured = new CapturedTensors();
        using var scope = torch.NewDisposeScope();

        Forward(model, golden, FirstTimestep(), (int)Inputs()["num_frames"]!, captured);

        golden.AssertAllRecorded("dbg.", captured.Tensors);
    }

    /// <summary>With num_frames = 1 each view attends only to itself; the fixture's num_frames1 output, and far from the multi-view one.</summary>
    [GoldenFact(MultiviewFixture.Name)]
    public void Cross_view_attention_changes_the_prediction()
    {
        using var golden = MultiViewModels.Tensors(Goldens);
        using var model = MultiViewModels.Load(MultiViewModels.MvDream);
        using var scope = torch.NewDisposeScope();
        long timestep = FirstTimestep();

        var perView = Forward(model, golden, timestep, numFrames: 1);
        var multiView = Forward(model, golden, timestep, (int)Inputs()["num_frames"]!);

        golden.AssertMatches($"eps_t{timestep}_num_frames1", perView);
        double tolerance = (double)MultiViewModels.Section(MultiViewModels.MvDream)["cross_view_attention_check"]!["tolerance_of_eps"]!;
        Assert.True((perView - multiView).abs().max().item<float>() > 100 * tolerance, "attending across views made no difference");
    }

    private static Tensor Forward(Components.DiffusionModel model, GoldenTensors golden, long timestep, int numFrames, CapturedTensors? capture = null) =>
        MultiViewModels.Network(model).Forward(golden.Load("x"), golden.Load($"timesteps_t{timestep}"), golden.Load("context"),
            new MultiViewInputs(golden.Load("camera"), numFrames), capture);

    private static long FirstTimestep() => (long)Inputs()["timesteps"]![0]!;

    private static System.Text.Json.Nodes.JsonNode Inputs() => MultiViewModels.Section(MultiViewModels.MvDream)["inputs"]!;
}
