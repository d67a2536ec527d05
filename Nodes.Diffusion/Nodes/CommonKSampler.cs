using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's common_ksampler (nodes.py) and comfy/sample.py, shared by KSampler and KSamplerAdvanced: the latent fitted
/// to the model's channels, noise from the seed (zeros when disabled; batch_index honoured), latents into the model's
/// space (only when not all zero, as CFGGuider), a noise mask prepared for inpainting (<see cref="DenoiseMask"/>), the run, and back.
/// </summary>
internal static class CommonKSampler
{
    public static Latent Sample(NodeContext context, DiffusionModel model, Conditioning positive, Conditioning negative, Latent latent,
        ulong seed, int steps, double cfg, SamplerName sampler, SchedulerName scheduler, double denoise = 1.0,
        bool disableNoise = false, int? startStep = null, int? lastStep = null, bool forceFullDenoise = false)
    {
        using var scope = torch.NewDisposeScope();
        var samples = SamplerLatents.FitChannels(model, latent);
        var noise = disableNoise ? torch.zeros(samples.shape, torch.float32, model.Device) : SeedNoise(seed, samples.shape, latent.BatchIndex).to(model.Device);
        // CFGGuider.sample: "Don't shift the empty latent image."
        var inModelSpace = samples.ne(0).any().item<bool>() ? SamplerLatents.ToModelSpace(model, samples) : samples;
        var denoiseMask = latent.NoiseMask is { } mask ? DenoiseMask.Prepare(mask, samples.shape).to(model.Device) : null;
        var request = new KSamplerRequest(noise, inModelSpace, positive, negative, steps, cfg, sampler, scheduler, denoise, seed, startStep, lastStep, forceFullDenoise, denoiseMask);
        using var result = KSamplerRun.Sample(model, request, (step, total) => context.ReportProgress(step, total));
        return SamplerLatents.Result(model, result, latent);
    }

    private static Tensor SeedNoise(ulong seed, long[] shape, IReadOnlyList<int>? batchIndex)
    {
        using var generator = SeededNoise.Generator(seed);
        return SeededNoise.Draw(generator, shape, batchIndex);
    }
}
