using Workflow.Nodes.Diffusion.Sampling.Conds;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using static Workflow.Nodes.Diffusion.Tests.Guidance.CondBatchTests;
using static Workflow.Nodes.Diffusion.Tests.Guidance.ToyGuidance;

namespace Workflow.Nodes.Diffusion.Tests.Guidance;

/// <summary>A guidance step with areas, masks and mirrored entries frees everything it made but its result.</summary>
[Collection(LiveMemory.Name)]
public sealed class GuidanceMemoryTests
{
    [Fact]
    public void Guidance_leaves_no_tensor_behind_but_its_result()
    {
        using var positive = new Conditioning([Entry(1), Entry(3) with { Area = new LatentArea(8, 8, 4, 4), Strength = 2 }]);
        using var negative = new Conditioning([Entry(-1) with { Mask = torch.ones([1, Side, Side]) }]);
        using var x = Noise(10);
        using var conds = CondPreparation.Prepare(positive, negative, Setup(Shape));
        using var guidance = new ComfyGuidance(conds, 5);
        long before = LiveTensors();

        using (guidance.Predict(x, 2f, batch => batch.Input * 0.5 + batch.Context.mean([1, 2]).view(-1, 1, 1, 1)))
            Assert.Equal(before + 1, LiveTensors());
        Assert.Equal(before, LiveTensors());
    }

    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Tensor.LiveCount;
    }
}
