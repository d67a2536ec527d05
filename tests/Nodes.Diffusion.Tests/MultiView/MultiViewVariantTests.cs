using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.MultiView;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.MultiView;

/// <summary>
/// The variants the multi-view notes name beside MVDream and ImageDream (GAF-style models): a conditioning latent on
/// extra input channels, and the text context turned off.
/// </summary>
public sealed class MultiViewVariantTests
{
    private const int Views = 4;

    [Fact]
    public void A_conditioning_latent_feeds_the_extra_input_channels_of_every_view()
    {
        using var model = RandomModel(inChannels: 8);
        var (first, second) = (Conditioning(seed: 1), Conditioning(seed: 2));

        var fromFirst = Sample(model, first);
        var fromSecond = Sample(model, second);

        Assert.Equal([Views, 4, 8, 8], fromFirst.shape);
        Assert.False(fromFirst.allclose(fromSecond), "the conditioning latent made no difference");
        Assert.True(fromFirst.equal(Sample(model, first)), "the same conditioning latent gave another result");
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public void A_wider_input_without_its_conditioning_latent_is_refused()
    {
        using var model = RandomModel(inChannels: 8);
        using var narrow = new Latent(torch.zeros([Views, 2, 8, 8]));

        Assert.Equal("concat_latent", Assert.Throws<InputException>(() => new MultiViewUNet().Execute(model, Turntable(), Views)).InputName);
        Assert.Equal("concat_latent", Assert.Throws<InputException>(() => new MultiViewUNet().Execute(model, Turntable(), Views, concatLatent: narrow)).InputName);
    }

    /// <summary>With text_context off the prompts do not matter: the result is the one all-zero prompts give.</summary>
    [GoldenFact(MultiviewFixture.Name)]
    public void Without_text_context_the_prompts_are_zeros()
    {
        using var model = MultiViewModels.Load(MultiViewModels.MvDream);
        using var golden = MultiViewModels.Tensors((string)MultiViewModels.Section(MultiViewModels.MvDream)["ddim"]!["file"]!);
        using var scope = torch.NewDisposeScope();
        var cameras = MultiViewModels.Cameras(golden.Load("camera"), Views);
        var noise = golden.Load("x_T");
        using var textOff = new MultiViewUNet().Execute(model, cameras, Views, textContext: false);
        using var textOn = new MultiViewUNet().Execute(model, cameras, Views);
        using var prompt = new Conditioning(golden.Load("cond_context").narrow(0, 0, 1).clone());
        using var negative = new Conditioning(golden.Load("uncond_context").narrow(0, 0, 1).clone());
        using var zeros = new Conditioning(torch.zeros_like(golden.Load("cond_context").narrow(0, 0, 1)));

        var ignored = Run(textOff, noise, prompt, negative);
        var zero = Run(textOn, noise, zeros, zeros);

        Assert.True(ignored.equal(zero), "text_context off did not zero the prompts");
        Assert.False(Run(textOn, noise, prompt, negative).equal(zero), "the prompts made no difference with text_context on");
    }

    private static Tensor Run(DiffusionModel model, Tensor noise, Conditioning positive, Conditioning negative)
    {
        using var generator = new Generator(0);
        return DdimSampler.Sample(model, new DdimRequest(noise, null, positive, negative, 2, 5.0, 0, 1.0, generator), (_, _) => { });
    }

    private static Tensor Sample(DiffusionModel model, Latent conditioning)
    {
        using var patched = new MultiViewUNet().Execute(model, Turntable(), Views, concatLatent: conditioning);
        using var prompt = new Conditioning(torch.ones([1, 77, 32]));
        using var noise = torch.randn([Views, 4, 8, 8], new Generator(3));
        return Run(patched, noise, prompt, prompt);
    }

    /// <summary>multiview-tiny's UNet shape with seeded random weights and a conv_in of <paramref name="inChannels"/>.</summary>
    private static DiffusionModel RandomModel(int inChannels)
    {
        var network = new MultiViewUNetModel(new MultiViewUNetConfig
        {
            InChannels = inChannels, ModelChannels = 32, ChannelMult = [1, 2], NumResBlocks = 1, AttentionResolutions = [2, 1], NumHeadChannels = 8, ContextDim = 32,
        });
        using var generator = new Generator(0);
        RandomWeights.Fill(network, generator);
        return new DiffusionModel(network, DdimSchedulerConfig.StableDiffusion1 with { TimestepSpacingName = "ldm_uniform" }, LatentFormat.StableDiffusion1);
    }

    private static Latent Conditioning(long seed) => new(torch.randn([Views, 4, 8, 8], new Generator(seed)));

    private static Camera Turntable() => new(CameraConvention.Blender, Enumerable.Range(0, Views).Select(i =>
    {
        double c = Math.Cos(Math.PI * i / 2), s = Math.Sin(Math.PI * i / 2);
        return new CameraPose([c, 0, s, 0, 0, 1, 0, 0, -s, 0, c, 0, 0, 0, 0, 1]);
    }));
}
