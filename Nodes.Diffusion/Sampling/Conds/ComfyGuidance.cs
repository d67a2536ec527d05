using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Nodes.Diffusion.Models;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.Conds;

/// <summary>
/// ComfyUI's sampling_function and cfg_function (comfy/samplers.py): both prompts' entries through
/// <see cref="CondBatch"/>, then uncond + (cond − uncond)·cfg on the clean estimates. At cfg 1 (math.isclose) the
/// negative is not run, as ComfyUI's optimisation: its output is then 0 and the result is the positive's exactly.
/// </summary>
public sealed class ComfyGuidance(SamplingConds conds, double scale) : IDisposable
{
    /// <summary>The conds of a KSampler run on <paramref name="model"/> for latents of <paramref name="latentShape"/>, on <paramref name="device"/>.</summary>
    public static ComfyGuidance For(DiffusionModel model, Conditioning positive, Conditioning negative, double scale, long[] latentShape, Device device)
    {
        if (model.Patches.Any(patch => patch is MultiViewConditioning))
        {
            PlainConditioning.Require(positive, "positive", "multi-view sampling");
            PlainConditioning.Require(negative, "negative", "multi-view sampling");
        }
        var setup = new CondSetup(latentShape, device, model.Sampling, model.Network is IPooledTextNetwork);
        return new ComfyGuidance(CondPreparation.Prepare(positive, negative, setup), scale);
    }

    public double Scale { get; } = scale;

    /// <summary>math.isclose(cfg, 1.0): ComfyUI then skips the negative prompt.</summary>
    public bool SkipsNegative { get; } = Math.Abs(scale - 1.0) <= 1e-9 * Math.Max(Math.Abs(scale), 1.0);

    /// <summary>The guided clean estimate at σ for <paramref name="x"/>, <paramref name="model"/> giving the clean estimates of each batch.</summary>
    public Tensor Predict(Tensor x, float sigma, Func<GuidanceBatch, Tensor> model)
    {
        using var scope = torch.NewDisposeScope();
        var outputs = CondBatch.Calc([conds.Positive, SkipsNegative ? null : conds.Negative], x, sigma, model);
        var (cond, uncond) = (outputs[0], outputs[1]);
        return (uncond + (cond - uncond) * Scale).MoveToOuterDisposeScope();
    }

    public void Dispose() => conds.Dispose();
}
