using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.MultiView;

/// <summary>
/// The MultiViewUNet node: a patched MODEL that DDIMSample and KSampler run unchanged on a latent of num_views ×
/// samples, the input MODEL left as it was, and every input it cannot use refused by name before sampling.
/// </summary>
public sealed class MultiViewUNetNodeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("multiview-node-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [GoldenFact(MultiviewFixture.Name)]
    public void The_patched_model_shares_the_network_and_leaves_the_input_unpatched()
    {
        using var model = MultiViewModels.Load(MultiViewModels.MvDream);

        using var patched = new MultiViewUNet().Execute(model, Cameras(MultiViewModels.MvDream, 4), 4);

        Assert.Empty(model.Patches);
        Assert.IsType<MultiViewConditioning>(Assert.Single(patched.Patches));
        Assert.Same(model.Network, patched.Network);
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void DDIMSample_and_KSampler_run_a_batch_of_views_per_sample()
    {
        using var model = MultiViewModels.Load(MultiViewModels.MvDream);
        int views = (int)MultiViewModels.Section(MultiViewModels.MvDream)["inputs"]!["num_frames"]!;
        using var patched = new MultiViewUNet().Execute(model, Cameras(MultiViewModels.MvDream, views), views);
        var (positive, negative) = Prompts(MultiViewModels.MvDream);
        using var latent = new Latent(torch.zeros([2 * views, 4, 8, 8]));   // two samples
        var context = new TestNodeContext(Paths());

        using var ddim = new DdimSample().Execute(context, patched, positive, negative, latent, seed: 1, steps: 4, cfg: 5);
        using var euler = new KSampler().Execute(context, patched, positive, negative, latent, seed: 1, steps: 4, cfg: 5);

        foreach (var result in new[] { ddim, euler })
        {
            Assert.Equal(latent.Samples.shape, result.Samples.shape);
            Assert.False(result.Samples.isnan().any().item<bool>() || result.Samples.isinf().any().item<bool>(), "non-finite latents");
        }
        positive.Dispose();
        negative.Dispose();
    }

    /// <summary>Two samples drawn from the same noise come out the same: each is denoised on its own views only.</summary>
    [GoldenFact(MultiviewFixture.Name)]
    public void Samples_in_one_batch_do_not_see_each_other()
    {
        using var model = MultiViewModels.Load(MultiViewModels.ImageDream);
        using var golden = MultiViewModels.Tensors((string)MultiViewModels.Section(MultiViewModels.ImageDream)["ddim"]!["file"]!);
        using var scope = torch.NewDisposeScope();
        int views = (int)golden.Load("camera").shape[0] - 1;
        using var features = new ClipVisionOutput(torch.zeros([1]), torch.zeros([1]), golden.Load("cond_ip").narrow(0, 0, 1).clone(), torch.zeros([1]));
        using var reference = new Latent(golden.Load("cond_ip_img") / model.LatentFormat.ScaleFactor);
        using var patched = new MultiViewUNet().Execute(model, MultiViewModels.Cameras(golden.Load("camera"), views, referenceSlot: true), views, features, reference);
        var (positive, negative) = Prompts(MultiViewModels.ImageDream);
        var noise = golden.Load("x_T").narrow(0, 0, views);
        using var generator = new Generator(0);

        var samples = DdimSampler.Sample(patched, new DdimRequest(torch.cat([noise, noise], dim: 0), null, positive, negative, 4, 5.0, 0, 1.0, generator), (_, _) => { });

        var halves = samples.chunk(2, dim: 0);
        Assert.True((halves[0] - halves[1]).abs().max().item<float>() < 1e-5, "two samples from the same noise differ");
        positive.Dispose();
        negative.Dispose();
    }

    /// <summary>KSampler (timesteps per row) in pixel mode: the views are the same whether the latents carry the reference slot or the model adds it.</summary>
    [GoldenFact(MultiviewFixture.Name)]
    public void KSampler_views_do_not_depend_on_where_the_reference_slot_lives()
    {
        using var model = MultiViewModels.Load(MultiViewModels.ImageDream);
        using var golden = MultiViewModels.Tensors((string)MultiViewModels.Section(MultiViewModels.ImageDream)["ddim"]!["file"]!);
        using var scope = torch.NewDisposeScope();
        var noise = golden.Load("x_T");
        int frames = (int)noise.shape[0], views = frames - 1;
        using var features = new ClipVisionOutput(torch.zeros([1]), torch.zeros([1]), golden.Load("cond_ip").narrow(0, 0, 1).clone(), torch.zeros([1]));
        using var reference = new Latent(golden.Load("cond_ip_img") / model.LatentFormat.ScaleFactor);
        var cameras = MultiViewModels.Cameras(golden.Load("camera"), views, referenceSlot: true);
        var (positive, negative) = Prompts(MultiViewModels.ImageDream);
        Tensor Sample(ReferenceSlotLayout layout, Tensor start)
        {
            using var patched = new MultiViewUNet().Execute(model, cameras, views, features, reference, referenceSlot: layout);
            var request = new KSamplerRequest(start, torch.zeros_like(start), positive, negative, 3, 5.0, SamplerName.Euler, SchedulerName.Karras, 1.0);
            return KSamplerRun.Sample(patched, request, (_, _) => { });
        }

        var inLatent = Sample(ReferenceSlotLayout.InLatent, noise);
        var added = Sample(ReferenceSlotLayout.AddedByModel, noise.narrow(0, 0, views));

        Assert.True((inLatent.narrow(0, 0, views) - added).abs().max().item<float>() < 1e-5, "the views depend on the reference slot's layout");
        positive.Dispose();
        negative.Dispose();
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void A_multi_view_model_sampled_without_the_node_says_what_it_needs()
    {
        using var model = MultiViewModels.Load(MultiViewModels.MvDream);
        var (positive, negative) = Prompts(MultiViewModels.MvDream);
        using var latent = new Latent(torch.zeros([4, 4, 8, 8]));

        var error = Assert.Throws<InvalidOperationException>(() => new DdimSample().Execute(new TestNodeContext(Paths()), model, positive, negative, latent, steps: 2));

        Assert.Contains("MultiViewUNet", error.Message);
        positive.Dispose();
        negative.Dispose();
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void A_latent_batch_that_is_not_whole_samples_of_views_is_refused()
    {
        using var model = MultiViewModels.Load(MultiViewModels.MvDream);
        using var patched = new MultiViewUNet().Execute(model, Cameras(MultiViewModels.MvDream, 4), 4);
        var (positive, negative) = Prompts(MultiViewModels.MvDream);
        using var latent = new Latent(torch.zeros([3, 4, 8, 8]));

        var error = Assert.Throws<ArgumentException>(() => new DdimSample().Execute(new TestNodeContext(Paths()), patched, positive, negative, latent, steps: 2));

        Assert.Contains("3 latents", error.Message);
        positive.Dispose();
        negative.Dispose();
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void Inputs_the_model_cannot_use_are_refused_by_name()
    {
        using var mvdream = MultiViewModels.Load(MultiViewModels.MvDream);
        using var imagedream = MultiViewModels.Load(MultiViewModels.ImageDream);
        using var features = new ClipVisionOutput(torch.zeros([1]), torch.zeros([1]), torch.zeros([1, 17, 1280]), torch.zeros([1]));
        using var reference = new Latent(torch.zeros([1, 4, 8, 8]));
        var cameras = Cameras(MultiViewModels.MvDream, 4);
        var node = new MultiViewUNet();

        AssertRefused("cameras", () => node.Execute(mvdream, cameras, numViews: 3));
        AssertRefused("cameras", () => node.Execute(mvdream, new Camera(CameraConvention.OpenCv, cameras.Poses), 4));
        AssertRefused("clip_vision_output", () => node.Execute(mvdream, cameras, 4, features));
        AssertRefused("reference_latent", () => node.Execute(mvdream, cameras, 4, referenceLatent: reference));
        AssertRefused("clip_vision_output", () => node.Execute(imagedream, cameras, 4));
        AssertRefused("reference_latent", () => node.Execute(imagedream, new Camera(CameraConvention.Blender, cameras.Poses, appendsReferenceView: true), 4, features));
        using var narrow = new ClipVisionOutput(torch.zeros([1]), torch.zeros([1]), torch.zeros([1, 17, 1024]), torch.zeros([1]));
        AssertRefused("clip_vision_output", () => node.Execute(imagedream, cameras, 4, narrow));
    }

    [Fact]
    public void A_model_that_is_not_multi_view_is_refused()
    {
        var checkpoint = RandomCheckpoint.Create(RandomModelPreset.Sd15Tiny, 0);
        using var model = checkpoint.Model;
        checkpoint.Clip.Dispose();
        checkpoint.Vae.Dispose();
        var camera = new Camera(CameraConvention.Blender, [CameraPose.Identity]);

        AssertRefused("model", () => new MultiViewUNet().Execute(model, camera, 1));
    }

    private static void AssertRefused(string input, Func<DiffusionModel> execute)
    {
        var error = Assert.Throws<InputException>(() => execute().Dispose());
        Assert.Equal(input, error.InputName);
    }

    private static Camera Cameras(string family, int views)
    {
        using var golden = MultiViewModels.Tensors((string)MultiViewModels.Section(family)["ddim"]!["file"]!);
        using var rows = golden.Load("camera");
        return MultiViewModels.Cameras(rows, views);
    }

    /// <summary>The family's DDIM prompts, one row each (the fixture repeats them per view).</summary>
    private static (Conditioning Positive, Conditioning Negative) Prompts(string family)
    {
        using var golden = MultiViewModels.Tensors((string)MultiViewModels.Section(family)["ddim"]!["file"]!);
        using var cond = golden.Load("cond_context");
        using var uncond = golden.Load("uncond_context");
        return (new Conditioning(cond.narrow(0, 0, 1).clone()), new Conditioning(uncond.narrow(0, 0, 1).clone()));
    }

    private NodePaths Paths() => new(Path.Combine(_root, "models"), Path.Combine(_root, "input"), Path.Combine(_root, "output"), Path.Combine(_root, "temp"));
}
