using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Sampling.KDiffusion;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sampling;

/// <summary>
/// Inpainting as ComfyUI samples it (comfy/samplers.py KSamplerX0Inpaint, comfy/sampler_helpers.py prepare_mask), on
/// toy denoisers: the blend around every call against its formula, the mask prepared to the latent, and a whole Euler
/// run that keeps the original outside a hard mask while the inside follows the unmasked run.
/// </summary>
public sealed class InpaintingTests
{
    private static readonly ModelSamplingDiscrete Sampling = new(DdimSchedulerConfig.StableDiffusion1);

    private static KSamplerRequest Request(Tensor noise, Tensor latent, Tensor mask, SamplerName sampler = SamplerName.Euler, ulong seed = 7) =>
        new(noise, latent, null!, null!, 4, 1.0, sampler, SchedulerName.Karras, 1.0, seed, DenoiseMask: mask);

    /// <summary>A closed-form stand-in for the model: pointwise, so each latent cell evolves on its own.</summary>
    private static Tensor Toy(Tensor x, float sigma) => x * 0.5 + 0.1 * sigma;

    [Fact]
    public void Each_call_sees_the_noised_original_outside_and_returns_the_original_there()
    {
        using var scope = torch.NewDisposeScope();
        var latent = torch.randn([2, 4, 4, 4], new Generator(1));
        var noise = torch.randn([2, 4, 4, 4], new Generator(2));
        var x = torch.randn([2, 4, 4, 4], new Generator(3));
        var mask = DenoiseMask.Prepare(torch.rand([1, 1, 4, 4], new Generator(4)), [2, 4, 4, 4]);
        using var inpainting = InpaintingDenoiser.For(Sampling, Request(noise, latent, mask))!;
        Tensor? seen = null;
        const float sigma = 3.5f;

        var result = inpainting.Wrap((input, s) => { seen = input.clone().DetachFromDisposeScope(); return Toy(input, s); })(x, sigma);

        var expectedInput = x * mask + (latent + noise * sigma) * mask.rsub(1.0);
        var expected = Toy(expectedInput, sigma) * mask + latent * mask.rsub(1.0);
        Assert.True(seen!.allclose(expectedInput, rtol: 0, atol: 1e-6), "the model's input is x·m + (x₀ + n·σ)·(1 − m)");
        Assert.True(result.allclose(expected, rtol: 0, atol: 1e-6), "the estimate is D·m + x₀·(1 − m)");
    }

    [Fact]
    public void Euler_keeps_the_original_outside_a_hard_mask_and_samples_inside_as_without_one()
    {
        using var scope = torch.NewDisposeScope();
        var latent = torch.randn([1, 4, 4, 4], new Generator(5));
        var noise = torch.randn([1, 4, 4, 4], new Generator(6));
        var hard = torch.zeros([1, 1, 4, 4]);
        hard.narrow(3, 0, 2).fill_(1.0);   // the left half is sampled
        var mask = DenoiseMask.Prepare(hard, [1, 4, 4, 4]);
        var sigmas = SigmaSchedule.Calculate(Sampling, SchedulerName.Karras, 6);
        var start = Sampling.NoiseScaling(sigmas[0], noise, latent, maxDenoise: true);
        using var inpainting = InpaintingDenoiser.For(Sampling, Request(noise, latent, mask))!;

        var inpainted = Samplers.Function(SamplerName.Euler)(inpainting.Wrap(Toy), start, sigmas, new SamplerRun(7));
        var plain = Samplers.Function(SamplerName.Euler)(Toy, start, sigmas, new SamplerRun(7));

        var outside = mask.eq(0);
        Assert.True(inpainted.masked_fill(mask.eq(1), 0).allclose(latent.masked_fill(mask.eq(1), 0), rtol: 0, atol: 1e-5), "outside the mask the result is the original");
        Assert.True(inpainted.masked_fill(outside, 0).allclose(plain.masked_fill(outside, 0), rtol: 0, atol: 1e-5), "inside it samples as an unmasked run");
        Assert.False(inpainted.masked_fill(outside, 0).allclose(latent.masked_fill(outside, 0), rtol: 0, atol: 1e-2), "inside the latent changed");
    }

    [Fact]
    public void Ddim_blends_noise_drawn_from_seed_plus_one_as_ComfyUIs_random_inpaint_option()
    {
        using var scope = torch.NewDisposeScope();
        var latent = torch.zeros([1, 4, 2, 2]);
        var noise = torch.randn([1, 4, 2, 2], new Generator(8));
        var mask = torch.zeros([1, 4, 2, 2]);   // nothing sampled: the model sees only the noised original
        Tensor? seen = null;
        Denoiser recording = (input, s) => { seen = input.clone().DetachFromDisposeScope(); return input; };
        const float sigma = 2f;

        using (var euler = InpaintingDenoiser.For(Sampling, Request(noise, latent, mask, SamplerName.Euler, seed: 41))!)
            euler.Wrap(recording)(latent, sigma);
        Assert.True(seen!.allclose(noise * sigma, rtol: 0, atol: 1e-6), "other samplers blend the run's own noise");

        using (var ddim = InpaintingDenoiser.For(Sampling, Request(noise, latent, mask, SamplerName.Ddim, seed: 41))!)
            ddim.Wrap(recording)(latent, sigma);
        var fresh = torch.randn([1, 4, 2, 2], SeededNoise.Generator(42));
        Assert.True(seen!.allclose(fresh * sigma, rtol: 0, atol: 1e-6), "ddim draws torch.randn from torch.manual_seed(seed + 1)");
    }

    [Fact]
    public void Without_a_mask_nothing_is_wrapped()
    {
        using var scope = torch.NewDisposeScope();
        var request = Request(torch.zeros([1, 4, 2, 2]), torch.zeros([1, 4, 2, 2]), null!) with { DenoiseMask = null };
        Assert.Null(InpaintingDenoiser.For(Sampling, request));
    }

    [Fact]
    public void Mask_is_resized_bilinearly_repeated_over_channels_and_cycled_over_the_batch()
    {
        using var scope = torch.NewDisposeScope();
        // Two masks [B, 1, 2, 2]: columns (0, 1) and (1, 0); upsampled to 4 wide (align_corners false) a column pair
        // (a, b) becomes a, ¾a + ¼b, ¼a + ¾b, b.
        var masks = torch.tensor<float>([0, 1, 0, 1, 1, 0, 1, 0], [2, 1, 2, 2]);

        var prepared = DenoiseMask.Prepare(masks, [3, 4, 4, 4]);

        Assert.Equal([3L, 4, 4, 4], prepared.shape);
        float[] rising = [0, 0.25f, 0.75f, 1], falling = [1, 0.75f, 0.25f, 0];
        float[][] expected = [rising, falling, rising];   // batch 3 from 2 masks: 0, 1, 0
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < 4; c++)
                for (int row = 0; row < 4; row++)
                    Assert.Equal(expected[b], prepared[b][c][row].ToArray<float>());
    }
}
