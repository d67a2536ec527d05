using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Nodes;

/// <summary>
/// Inpainting end to end on the fixture's tiny SD1.5: KSampler on a latent with a noise mask (SetLatentNoiseMask) and
/// VAEEncodeForInpaint's greyed pixels and grown mask, checked against ComfyUI's definitions.
/// </summary>
public sealed class InpaintingNodeTests : IDisposable
{
    private readonly TemporaryBase _base = new("inpainting-");

    public void Dispose() => _base.Dispose();

    [GoldenFact(Sd15Fixture.Name)]
    public void KSampler_keeps_the_latent_outside_a_hard_mask_and_resamples_inside()
    {
        var loaded = DiffusersCheckpoint.Load(Golden.File(Sd15Fixture.Name, "model"));
        using var model = loaded.Model;
        using var clip = Assert.IsType<ClipModel>(loaded.Clip);
        using var vae = loaded.Vae;
        using var positive = clip.Encode("a red apple", NullLogger.Instance);
        using var negative = clip.Encode("", NullLogger.Instance);
        using var scope = torch.NewDisposeScope();
        using var latent = new Latent(torch.randn([1, model.LatentFormat.Channels, 8, 8], new Generator(3)));
        var hard = torch.zeros([1, 8, 8]);
        hard.narrow(1, 2, 4).narrow(2, 2, 4).fill_(1.0);   // a 4×4 hole in the middle, at the latent's size

        using var masked = new SetLatentNoiseMask().Execute(latent, new Mask(hard));
        using var sampled = new KSampler().Execute(new TestNodeContext(_base.Paths), model, positive, negative, masked, 5, 6, 7.0,
            SamplerName.Euler, SchedulerName.Karras);

        var inside = hard.unsqueeze(1).expand_as(latent.Samples).eq(1);
        float scale = latent.Samples.abs().max().item<float>();
        Assert.True(sampled.Samples.masked_fill(inside, 0).allclose(latent.Samples.masked_fill(inside, 0), rtol: 0, atol: 1e-5 * scale),
            "outside the hole the result is the input latent");
        Assert.False(sampled.Samples.masked_fill(inside.logical_not(), 0).allclose(latent.Samples.masked_fill(inside.logical_not(), 0), rtol: 0, atol: 1e-2),
            "inside the hole the latent was resampled");
        Assert.True(sampled.NoiseMask!.equal(masked.NoiseMask!), "the result keeps its noise mask, as ComfyUI's copy of the latent");
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void VAEEncodeForInpaint_greys_the_masked_pixels_and_grows_the_noise_mask()
    {
        using var vae = new ImageVae(Sd15Fixture.Folder.LoadVae());
        using var scope = torch.NewDisposeScope();
        using var pixels = new ImageBatch(torch.rand([1, 16, 16, 3], new Generator(4)));
        var hole = torch.zeros([1, 16, 16]);
        hole[0][10][10].fill_(1.0);

        using var encoded = new VaeEncodeForInpaint().Execute(pixels, vae, new Mask(hole), growMaskBy: 6);

        // The latent is VAEEncode of the picture with the masked pixel set to 0.5 in every channel.
        var greyed = pixels.Pixels.clone();
        greyed[0][10][10].fill_(0.5);
        using var expected = new VaeEncode().Execute(new ImageBatch(greyed), vae);
        Assert.True(encoded.Samples.allclose(expected.Samples, rtol: 0, atol: 1e-5), "the masked pixel is grey before encoding");
        // A 6×6 box with padding 3 reaches rows and columns 10 − 2 … 10 + 3 of a pixel at 10.
        var grown = torch.zeros([1, 1, 16, 16]);
        grown.narrow(2, 8, 6).narrow(3, 8, 6).fill_(1.0);
        Assert.True(encoded.NoiseMask!.equal(grown), "the noise mask is the hole grown by the box filter");
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void VAEEncodeForInpaint_resizes_the_mask_bilinearly_and_crops_both_to_the_vae_factor()
    {
        using var vae = new ImageVae(Sd15Fixture.Folder.LoadVae());
        using var scope = torch.NewDisposeScope();
        int factor = vae.DownscaleFactor;
        long height = 2 * factor + 3, width = 2 * factor + 1;
        using var pixels = new ImageBatch(torch.rand([2, height, width, 3], new Generator(5)));
        var mask = torch.tensor<float>([0, 1], [1, 1, 2]);   // the right half repainted, at a fraction of the size

        using var encoded = new VaeEncodeForInpaint().Execute(pixels, vae, new Mask(mask), growMaskBy: 0);

        var expected = F.interpolate(mask.reshape(1, 1, 1, 2), size: [height, width], mode: InterpolateMode.Bilinear)
            .narrow(2, height % factor / 2, 2 * factor).narrow(3, width % factor / 2, 2 * factor).round();
        Assert.Equal([2L, vae.LatentFormat.Channels, 2, 2], encoded.Samples.shape);
        Assert.True(encoded.NoiseMask!.equal(expected), "the mask is resized to the pixels, centre-cropped with them, rounded");
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void VAEEncodeForInpaint_refuses_a_batch_of_masks_that_does_not_fit_the_images()
    {
        using var vae = new ImageVae(Sd15Fixture.Folder.LoadVae());
        using var pixels = new ImageBatch(torch.rand([2, 16, 16, 3], new Generator(6)));
        using var masks = new Mask(torch.zeros([3, 16, 16]));
        var error = Assert.Throws<NodeSdk.InputException>(() => new VaeEncodeForInpaint().Execute(pixels, vae, masks));
        Assert.Contains("mask", error.Message);
        Assert.Contains("batch of 3", error.Message);
    }
}
