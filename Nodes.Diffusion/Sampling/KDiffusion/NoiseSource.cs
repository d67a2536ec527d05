using Workflow.Nodes.Diffusion.Sampling.Noise;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.KDiffusion;

/// <summary>
/// k-diffusion's noise_sampler: unit-variance noise for the step from σ to σ_next, reported to the run's observer.
/// The two kinds ComfyUI's samplers make for themselves are <see cref="Generator"/> and <see cref="BrownianTree"/>.
/// </summary>
public abstract class NoiseSource(SamplerRun run) : IDisposable
{
    public Tensor Draw(float sigma, float sigmaNext)
    {
        var noise = Sample(sigma, sigmaNext);
        run.OnNoise?.Invoke(new NoiseDraw(sigma, sigmaNext, noise));
        return noise;
    }

    protected abstract Tensor Sample(float sigma, float sigmaNext);

    public abstract void Dispose();

    /// <summary>
    /// default_noise_sampler: torch.randn of x's shape from a generator seeded with the run's seed, draw after draw.
    /// ComfyUI seeds it on the model's device; here it is always a CPU generator (ComfyUI's CPU numbers on every device),
    /// the draws moved to x's device.
    /// </summary>
    public static NoiseSource Generator(Tensor x, SamplerRun run) => new GeneratorNoise(x, run);

    /// <summary>
    /// BrownianTreeNoiseSampler(x, σ_min, σ_max, seed, cpu=True): increments of one Brownian motion on
    /// [smallest positive σ, largest σ] (torchsde's BrownianTree, entropy = seed) over [σ_next, σ], divided by
    /// √|σ_next − σ|, so the noise of a step depends only on its σ interval, not on the step count.
    /// </summary>
    public static NoiseSource BrownianTree(Tensor x, float[] sigmas, SamplerRun run) => new BrownianTreeNoise(x, sigmas, run);

    private sealed class GeneratorNoise(Tensor x, SamplerRun run) : NoiseSource(run)
    {
        private readonly Workflow.Torch.Generator _generator = SeededNoise.Generator(run.Seed);
        private readonly long[] _shape = x.shape;
        private readonly ScalarType _dtype = x.dtype;
        private readonly Device _device = x.device;

        protected override Tensor Sample(float sigma, float sigmaNext)
        {
            using var draw = torch.randn(_shape, _generator, _dtype);
            return draw.to(_device);
        }

        public override void Dispose() => _generator.Dispose();
    }

    private sealed class BrownianTreeNoise(Tensor x, float[] sigmas, SamplerRun run) : NoiseSource(run)
    {
        private readonly Noise.BrownianTree _tree = new(x.shape, sigmas.Where(s => s > 0).Min(), sigmas.Max(), run.Seed);
        private readonly ScalarType _dtype = x.dtype;
        private readonly Device _device = x.device;

        protected override Tensor Sample(float sigma, float sigmaNext)
        {
            // BatchedBrownianTree sorts the pair and flips the sign back; the tree runs on the CPU in float32.
            var (low, high, sign) = sigma < sigmaNext ? (sigma, sigmaNext, 1) : (sigmaNext, sigma, -1);
            using var increment = _tree.Increment(low, high);
            using var signed = increment * sign;
            using var unit = signed / MathF.Sqrt(MathF.Abs(sigmaNext - sigma));
            return unit.to(_device, _dtype);
        }

        public override void Dispose() => _tree.Dispose();
    }
}
