using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.MultiView;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.MultiView;

/// <summary>
/// DDIM over views against MVDream's and ImageDream's DDIMSampler (LDM's ddim.py) on the tiny checkpoints: our
/// DdimSampler, unchanged, on the MODEL the MultiViewUNet node patches, from the fixture's x_T with its prompts, guidance
/// and steps. Every step is compared: the UNet's input and output on the guidance batch, x̂₀, x_{t−1}, and the result.
/// ImageDream runs in pixel mode with the reference slot in the latents (its layout: the slot's state evolves from x_T
/// as upstream's does), and with the slot added by the model, where the views match the same steps.
/// </summary>
public sealed class MultiViewDdimTests
{
    [GoldenFact(MultiviewFixture.Name)]
    public void Mvdream_trajectory_matches_ldm_ddim() => AssertTrajectory(MultiViewModels.MvDream, ReferenceSlotLayout.InLatent);

    [GoldenFact(MultiviewFixture.Name)]
    public void Imagedream_pixel_mode_trajectory_matches_ldm_ddim() => AssertTrajectory(MultiViewModels.ImageDream, ReferenceSlotLayout.InLatent);

    [GoldenFact(MultiviewFixture.Name)]
    public void Imagedream_views_match_when_the_model_adds_the_reference_slot() => AssertTrajectory(MultiViewModels.ImageDream, ReferenceSlotLayout.AddedByModel);

    private static void AssertTrajectory(string family, ReferenceSlotLayout layout)
    {
        var ddim = MultiViewModels.Section(family)["ddim"]!;
        using var golden = MultiViewModels.Tensors((string)ddim["file"]!);
        using var scope = torch.NewDisposeScope();
        bool pixel = golden.Contains("cond_ip_img");
        int frames = (int)golden.Load("camera").shape[0], views = pixel ? frames - 1 : frames;
        Assert.Equal(golden.Load("x_T").shape[0], frames);   // one sample: the camera rows are its views (and slot)
        bool slotInLatents = layout == ReferenceSlotLayout.InLatent;
        Func<Tensor, Tensor> kept = pixel && !slotInLatents ? rows => ReferenceSlot.Remove(rows, frames) : rows => rows;
        Func<Tensor, Tensor> keptPerStep = steps => torch.stack([.. Enumerable.Range(0, (int)steps.shape[0]).Select(i => kept(steps.select(0, i)))]);

        var recording = new RecordingNetwork(MultiViewModels.Load(family).Network);
        var loaded = MultiViewModels.Load(family);
        using var model = Patched(new DiffusionModel(recording, loaded.Schedule, loaded.LatentFormat), golden, family, views, layout);
        loaded.Dispose();
        int steps = (int)ddim["steps"]!;
        var results = new List<(long Timestep, Tensor PredX0, Tensor XPrev)>();
        using var positive = new Conditioning(golden.Load("cond_context").narrow(0, 0, 1).clone());
        using var negative = new Conditioning(golden.Load("uncond_context").narrow(0, 0, 1).clone());
        using var generator = new Generator(0);
        var request = new DdimRequest(kept(golden.Load("x_T")), null, positive, negative, steps, (double)ddim["unconditional_guidance_scale"]!, (double)ddim["eta"]!, 1.0, generator);

        var samples = DdimSampler.Sample(model, request, (_, _) => { }, (t, step) => results.Add((t, step.PredOriginalSample.clone().DetachFromDisposeScope(), step.PrevSample.clone().DetachFromDisposeScope())));

        AssertSchedule(golden, new DdimScheduler(model.Schedule), steps, (double)ddim["eta"]!);
        golden.AssertMatches("step_timesteps", torch.tensor<long>([.. results.Select(r => r.Timestep)]));
        golden.AssertPartMatches("apply_model_in_x", torch.stack([.. recording.Inputs]), keptPerStep);
        golden.AssertPartMatches("apply_model_out", torch.stack([.. recording.Outputs]), keptPerStep);
        golden.AssertPartMatches("pred_x0", torch.stack([.. results.Select(r => r.PredX0)]), keptPerStep);
        golden.AssertPartMatches("x_prev", torch.stack([.. results.Select(r => r.XPrev)]), keptPerStep);
        golden.AssertPartMatches("samples", samples, kept);
    }

    /// <summary>The run's timesteps (ascending, as LDM lists them), ᾱ, ᾱ_prev and σ from our scheduler.</summary>
    private static void AssertSchedule(GoldenTensors golden, DdimScheduler scheduler, int steps, double eta)
    {
        var ascending = scheduler.Timesteps(steps).Reverse().ToArray();
        golden.AssertMatches("ddim_timesteps", torch.tensor<long>(ascending));
        golden.AssertMatches("ddim_alphas", torch.tensor<float>([.. ascending.Select(t => scheduler.AlphasCumprod[(int)t])]));
        golden.AssertMatches("ddim_alphas_prev", torch.tensor<float>([.. ascending.Select(t => scheduler.PreviousAlphaCumprod(t, steps))]));
        golden.AssertMatches("ddim_sigmas", torch.tensor<float>([.. ascending.Select(t => scheduler.StandardDeviation(t, steps, eta))]));
    }

    /// <summary>
    /// The MODEL patched through the MultiViewUNet node: the fixture's cameras (Blender-world orbit poses; ImageDream's
    /// last row is the reference slot's zero camera), its image features and clean reference latent.
    /// </summary>
    private static DiffusionModel Patched(DiffusionModel model, GoldenTensors golden, string family, int views, ReferenceSlotLayout layout)
    {
        using (model)
        {
            bool pixel = golden.Contains("cond_ip_img");
            var cameras = MultiViewModels.Cameras(golden.Load("camera"), views, pixel);
            using var features = golden.Contains("cond_ip")
                ? new ClipVisionOutput(torch.zeros([1]), torch.zeros([1]), golden.Load("cond_ip").narrow(0, 0, 1).clone(), torch.zeros([1]))
                : null;
            using var reference = pixel ? new Latent(golden.Load("cond_ip_img") / model.LatentFormat.ScaleFactor) : null;
            double ipWeight = (double?)MultiViewModels.Section(family)["unet_config"]!["ip_weight"] ?? 1.0;
            return new MultiViewUNet().Execute(model, cameras, views, features, reference, ipWeight, layout);
        }
    }
}
