using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Sampling.KDiffusion;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sampling;

/// <summary>Every sampler, finished or failing midway, leaves no tensor behind but the result it returns.</summary>
[Collection(LiveMemory.Name)]
public sealed class SamplerMemoryTests
{
    private static readonly float[] Sigmas = SigmaSchedule.Calculate(new ModelSamplingDiscrete(DdimSchedulerConfig.StableDiffusion1), SchedulerName.Karras, 6);

    public static TheoryData<SamplerName> Names => [.. Enum.GetValues<SamplerName>()];

    [Theory, MemberData(nameof(Names))]
    public void A_run_and_a_failed_run_leave_only_the_result(SamplerName name)
    {
        using var generator = new Generator(3);
        using var x = torch.randn([1, 4, 8, 8], generator);
        var before = LiveTensors();

        using (var result = Samplers.Function(name)((x, sigma) => x / (sigma * sigma + 1), x, Sigmas, new SamplerRun(11)))
            Assert.Equal(before + 1, LiveTensors());
        Assert.Equal(before, LiveTensors());

        int calls = 0;
        Denoiser failing = (x, sigma) => ++calls < 4 ? x / (sigma * sigma + 1) : throw new OperationCanceledException();
        Assert.Throws<OperationCanceledException>(() => Samplers.Function(name)(failing, x, Sigmas, new SamplerRun(11)));
        Assert.Equal(before, LiveTensors());
    }

    /// <summary>Live tensors once unreachable ones (left to finalizers by other code) are gone.</summary>
    internal static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Tensor.LiveCount;
    }
}
