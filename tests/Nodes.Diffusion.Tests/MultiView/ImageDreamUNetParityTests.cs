using System.Globalization;
using Workflow.Nodes.Diffusion.Models.MultiView;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.MultiView;

/// <summary>
/// MultiViewUNetModel with ImageDream's image prompt against bytedance/ImageDream's on the tiny checkpoint: the image
/// tokens (image_embed), pixel mode (the reference latent written into the last view, alone and in the guidance batch
/// whose unconditional half has zero features and a zero latent) and local mode at every recorded ip_weight.
/// </summary>
public sealed class ImageDreamUNetParityTests
{
    private static readonly string Goldens = MultiViewModels.File(MultiViewModels.ImageDream, "unet_goldens");

    /// <summary>The local-mode runs: "local_eps_ipw&lt;weight&gt;".</summary>
    public static TheoryData<string> LocalRuns => Golden.Rows(MultiviewFixture.Name, () =>
    {
        using var golden = MultiViewModels.Tensors(Goldens);
        return golden.Names.Where(n => n.StartsWith(LocalRun, StringComparison.Ordinal)).ToList();
    }, "(fixture absent)");

    private const string LocalRun = "local_eps_ipw";

    [GoldenFact(MultiviewFixture.Name)]
    public void Image_embed_matches_the_resampler()
    {
        using var golden = MultiViewModels.Tensors(Goldens);
        using var model = MultiViewModels.Load(MultiViewModels.ImageDream);
        using var scope = torch.NewDisposeScope();
        var imageEmbed = MultiViewModels.Network(model).ImageEmbed!;
        var conditional = golden.Load("pixel_ip");

        golden.AssertMatches("pixel_ip_tokens", imageEmbed.Forward(conditional));
        golden.AssertMatches("pixel_cfg_ip_tokens", imageEmbed.Forward(torch.cat([torch.zeros_like(conditional), conditional], dim: 0)));
        golden.AssertMatches("local_ip_tokens", imageEmbed.Forward(conditional.narrow(0, 0, golden.Load("local_x").shape[0])));
    }

    /// <summary>Pixel mode: the prediction, and the reference latent in the last view of the input the network saw.</summary>
    [GoldenFact(MultiviewFixture.Name)]
    public void Pixel_mode_matches_imagedream()
    {
        using var golden = MultiViewModels.Tensors(Goldens);
        using var model = MultiViewModels.Load(MultiViewModels.ImageDream);
        using var captured = new CapturedTensors();
        using var scope = torch.NewDisposeScope();
        var network = MultiViewModels.Network(model);
        var x = golden.Load("pixel_x");
        var unchanged = x.clone();
        var context = torch.cat([golden.Load("pixel_context"), network.ImageEmbed!.Forward(golden.Load("pixel_ip"))], dim: 1);
        var camera = golden.Load("pixel_camera");

        var eps = network.Forward(x, golden.Load("timesteps_pixel"), context, new MultiViewInputs(camera, (int)camera.shape[0], golden.Load("pixel_ip_img")), captured);

        golden.AssertMatches("pixel_eps", eps);
        golden.AssertMatches("pixel_x_after_call", captured.Tensors["x"]);
        Assert.True(x.equal(unchanged), "the caller's latents were changed");
    }

    /// <summary>The guidance batch: [uncond, cond] with zero features (through image_embed) and a zero reference latent in the unconditional half.</summary>
    [GoldenFact(MultiviewFixture.Name)]
    public void Pixel_mode_guidance_batch_matches_imagedream()
    {
        using var golden = MultiViewModels.Tensors(Goldens);
        using var model = MultiViewModels.Load(MultiViewModels.ImageDream);
        using var captured = new CapturedTensors();
        using var scope = torch.NewDisposeScope();
        var network = MultiViewModels.Network(model);
        var (x, features, reference, camera) = (golden.Load("pixel_x"), golden.Load("pixel_ip"), golden.Load("pixel_ip_img"), golden.Load("pixel_camera"));
        var tokens = network.ImageEmbed!.Forward(torch.cat([torch.zeros_like(features), features], dim: 0));
        var context = torch.cat([torch.cat([golden.Load("pixel_cfg_uncond_context"), golden.Load("pixel_context")], dim: 0), tokens], dim: 1);
        var inputs = new MultiViewInputs(torch.cat([camera, camera], dim: 0), (int)camera.shape[0], torch.cat([torch.zeros_like(reference), reference], dim: 0));

        var eps = network.Forward(torch.cat([x, x], dim: 0), golden.Load("timesteps_pixel_cfg"), context, inputs, captured);

        golden.AssertMatches("pixel_cfg_eps", eps);
        golden.AssertMatches("pixel_cfg_x_after_call", captured.Tensors["x"]);
    }

    /// <summary>Local mode (no reference latent) at each recorded ip_weight; the weights' outputs differ as the fixture's do.</summary>
    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(LocalRuns))]
    public void Local_mode_matches_imagedream_at_each_ip_weight(string run)
    {
        using var golden = MultiViewModels.Tensors(Goldens);
        using var model = MultiViewModels.Load(MultiViewModels.ImageDream);
        using var scope = torch.NewDisposeScope();

        golden.AssertMatches(run, Local(model, golden, double.Parse(run[LocalRun.Length..], CultureInfo.InvariantCulture)));
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void Ip_weight_scales_the_image_attention()
    {
        using var golden = MultiViewModels.Tensors(Goldens);
        using var model = MultiViewModels.Load(MultiViewModels.ImageDream);
        using var scope = torch.NewDisposeScope();
        var check = MultiViewModels.Section(MultiViewModels.ImageDream)["ip_weight_check"]!;
        var weights = check["weights"]!.AsArray().Select(w => (double)w!).ToList();

        var difference = (Local(model, golden, weights[0]) - Local(model, golden, weights[1])).abs().max().item<float>();

        // Each run is within its tolerance of the fixture's, so their difference is within the sum of both.
        double tolerance = weights.Sum(w => golden.Tolerance(LocalRun + w.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal((double)check["max_abs_diff_between_weights"]!, difference, tolerance);
    }

    private static Tensor Local(Components.DiffusionModel model, GoldenTensors golden, double ipWeight)
    {
        var network = MultiViewModels.Network(model);
        var x = golden.Load("local_x");
        int frames = (int)x.shape[0];
        var context = torch.cat([golden.Load("pixel_context").narrow(0, 0, frames), network.ImageEmbed!.Forward(golden.Load("pixel_ip").narrow(0, 0, frames))], dim: 1);
        return network.Forward(x, golden.Load("timesteps_local"), context, new MultiViewInputs(golden.Load("local_camera"), frames, IpWeight: ipWeight));
    }
}
