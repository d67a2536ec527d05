using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Sampling.KDiffusion;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sampling;

/// <summary>
/// Every sampler's trajectory (its σ list as KSampler makes it, the start, each model call's σ, each callback's x and
/// x̂₀, each noise draw, the result) equals ComfyUI's on the ksampler fixture within its manifest's tolerances.
/// </summary>
public sealed class KSamplerGoldenTests
{
    private static readonly ModelSamplingDiscrete Sampling = new(DdimSchedulerConfig.StableDiffusion1);

    public static TheoryData<string> Runs =>
        Golden.Rows(KSamplerFixture.Name, () => KSamplerFixture.Manifest["runs"]!.AsObject().Select(e => e.Key), "(fixture absent)");

    [GoldenTheory(KSamplerFixture.Name)]
    [MemberData(nameof(Runs))]
    public void Sampler_follows_comfyuis_trajectory(string name)
    {
        var run = KSamplerFixture.Run(name);
        var sampler = ComfyNames.Parse<SamplerName>((string)run["sampler"]!);
        var scheduler = ComfyNames.Parse<SchedulerName>((string)run["scheduler"]!);
        ulong seed = (ulong)run["seed"]!;
        using var golden = GoldenTensors.Open(KSamplerFixture.Name, (string)run["file"]!);
        using var scope = torch.NewDisposeScope();

        // KSampler.set_steps' σ, prepare_noise's noise and noise_scaling's start.
        var sigmas = SigmaSchedule.ForDenoise(Sampling, scheduler, (int)run["steps"]!, (double?)run["denoise"] ?? 1.0, Samplers.DiscardsPenultimateSigma(sampler));
        golden.AssertMatches("sigmas", torch.tensor(sigmas));
        var latent = golden.Load("latent_image");
        using var generator = SeededNoise.Generator(seed);
        var noise = SeededNoise.Draw(generator, latent.shape);
        golden.AssertMatches("noise", noise);
        bool maxDenoise = NoiseScaling.IsMaxDenoise(Sampling.SigmaMax, sigmas[0]);
        Assert.Equal((bool)run["max_denoise"]!, maxDenoise);
        var start = NoiseScaling.Eps(sigmas[0], noise, latent, maxDenoise);
        golden.AssertMatches("x_init", start);

        var modelSigmas = new List<float>();
        var (indices, xs, denoised) = (new List<long>(), new List<Tensor>(), new List<Tensor>());
        var (draws, drawSigmas) = (new List<Tensor>(), new List<double>());
        // Callbacks run inside the sampler's step scopes: what they keep is taken out of every scope, disposed here.
        using var kept = new TensorList();
        Tensor Keep(Tensor t) => kept.Add(t.clone().DetachFromDisposeScope());
        var samplerRun = new SamplerRun(seed,
            step => { indices.Add(step.Index); xs.Add(Keep(step.X)); denoised.Add(Keep(step.Denoised)); },
            draw => { draws.Add(Keep(draw.Noise)); drawSigmas.AddRange([draw.Sigma, draw.SigmaNext]); });
        var samples = Samplers.Function(sampler)(KSamplerFixture.ToyDenoiser(modelSigmas.Add), start, sigmas, samplerRun);

        golden.AssertMatches("model_sigmas", torch.tensor(modelSigmas.ToArray()).view(-1, 1));
        golden.AssertMatches("callback_step", torch.tensor(indices.ToArray()));
        golden.AssertMatches("callback_x", torch.stack([.. xs]));
        golden.AssertMatches("callback_denoised", torch.stack([.. denoised]));
        if (golden.Contains("noise_draws"))
        {
            golden.AssertMatches("noise_draw_sigmas", torch.tensor(drawSigmas.ToArray()).view(-1, 2));
            golden.AssertMatches("noise_draws", torch.stack([.. draws]));
        }
        else
            Assert.Empty(draws);
        if (golden.Contains("sigmas_after_call"))
            golden.AssertMatches("sigmas_after_call", torch.tensor(UniPc.Timesteps(sigmas)));
        golden.AssertMatches("samples", samples);
    }
}

/// <summary>Tensors outside any dispose scope, disposed together.</summary>
internal sealed class TensorList : IDisposable
{
    private readonly List<Tensor> _tensors = [];

    public Tensor Add(Tensor tensor)
    {
        _tensors.Add(tensor);
        return tensor;
    }

    public void Dispose() => _tensors.ForEach(t => t.Dispose());
}
