using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Sampling.KDiffusion;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sampling;

/// <summary>The inpainting wrapper, "ddim"'s fresh noise included, leaves no tensor behind but the sampler's result.</summary>
[Collection(LiveMemory.Name)]
public sealed class InpaintingMemoryTests
{
    private static readonly ModelSamplingDiscrete Sampling = new(DdimSchedulerConfig.StableDiffusion1);

    [Theory]
    [InlineData(SamplerName.Euler)]
    [InlineData(SamplerName.Ddim)]
    [InlineData(SamplerName.DpmPp2M)]
    public void An_inpainting_run_leaves_only_the_result(SamplerName name)
    {
        using var generator = new Generator(3);
        using var latent = torch.randn([1, 4, 8, 8], generator);
        using var noise = torch.randn([1, 4, 8, 8], generator);
        using var mask = torch.rand([1, 4, 8, 8], generator);
        var sigmas = SigmaSchedule.Calculate(Sampling, SchedulerName.Karras, 6);
        var request = new KSamplerRequest(noise, latent, null!, null!, 6, 1.0, name, SchedulerName.Karras, 1.0, 5, DenoiseMask: mask);
        var before = SamplerMemoryTests.LiveTensors();

        using (var inpainting = InpaintingDenoiser.For(Sampling, request)!)
        using (var result = Samplers.Function(name)(inpainting.Wrap((x, sigma) => x / (sigma * sigma + 1)), noise, sigmas, new SamplerRun(5)))
        using (var nan = result.isnan().any())
            Assert.False(nan.item<bool>());
        Assert.Equal(before, SamplerMemoryTests.LiveTensors());
    }
}
