using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Resizing;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Nodes;

/// <summary>
/// ComfyUI's latent nodes (nodes.py, comfy_extras/nodes_latent.py) on small latents whose expected values are worked
/// from ComfyUI's code: where pasted, which items and batch indices are kept, what happens to the noise mask.
/// </summary>
public sealed class LatentNodesTests
{
    private static Tensor Numbered(params long[] shape) => torch.arange(shape.Aggregate(1L, (a, b) => a * b), torch.float32).reshape(shape);

    [Fact]
    public void LatentComposite_pastes_at_pixels_over_eight_and_cuts_at_the_border()
    {
        using var scope = torch.NewDisposeScope();
        using var to = new Latent(torch.zeros([1, 4, 4, 4]), torch.ones([1, 1, 4, 4]), [3]);
        using var from = new Latent(torch.ones([1, 4, 3, 3]));

        using var pasted = new LatentComposite().Execute(to, from, x: 8, y: 23);

        var expected = torch.zeros([1, 4, 4, 4]);
        expected.narrow(2, 2, 2).narrow(3, 1, 3).fill_(1.0);   // y 23 → row 2, x 8 → column 1; 3×3 cut to 2×3
        Assert.True(pasted.Samples.equal(expected));
        Assert.True(pasted.NoiseMask!.equal(to.NoiseMask!), "samples_to's noise mask is kept");
        Assert.Equal([3], pasted.BatchIndex);
    }

    [Fact]
    public void LatentComposite_feathers_the_inner_edges_multiplying_at_corners()
    {
        using var scope = torch.NewDisposeScope();
        using var to = new Latent(torch.zeros([2, 4, 6, 6]));
        using var from = new Latent(torch.ones([1, 4, 4, 4]));

        using var pasted = new LatentComposite().Execute(to, from, x: 8, y: 8, feather: 16);

        // Two cells of fade on every side (all four lie inside the target): edge cells ½, the next 1; corners ½·½.
        float[] edge = [0.25f, 0.5f, 0.5f, 0.25f], inner = [0.5f, 1, 1, 0.5f];
        float[][] rows = [edge, inner, inner, edge];
        for (int row = 0; row < 4; row++)
            Assert.Equal(rows[row], pasted.Samples[1][3][row + 1].narrow(0, 1, 4).ToArray<float>());
        Assert.Equal(0f, pasted.Samples.narrow(2, 0, 1).abs().max().item<float>());
    }

    [Fact]
    public void LatentComposite_leaves_unfaded_the_sides_on_the_target_border()
    {
        using var scope = torch.NewDisposeScope();
        using var to = new Latent(torch.zeros([1, 4, 4, 4]));
        using var from = new Latent(torch.ones([1, 4, 4, 4]));

        using var pasted = new LatentComposite().Execute(to, from, feather: 16);

        Assert.True(pasted.Samples.equal(torch.ones([1, 4, 4, 4])), "at (0, 0) covering the target every side is a border: no fade");
    }

    [Fact]
    public void LatentBatch_resizes_the_second_to_the_first_and_numbers_both_batches()
    {
        using var scope = torch.NewDisposeScope();
        var firstSamples = Numbered(2, 4, 4, 4);
        var secondSamples = Numbered(1, 4, 2, 3);
        using var first = new Latent(firstSamples.clone(), torch.ones([1, 1, 4, 4]));
        using var second = new Latent(secondSamples.clone(), batchIndex: [5]);

        using var batch = new LatentBatch().Execute(first, second);

        Assert.Equal([3L, 4, 4, 4], batch.Samples.shape);
        Assert.True(batch.Samples.narrow(0, 0, 2).equal(firstSamples));
        var resized = CommonUpscale.Resize(secondSamples, 4, 4, UpscaleMethod.Bilinear, CropMethod.Center);
        Assert.True(batch.Samples.narrow(0, 2, 1).equal(resized));
        Assert.Equal([0, 1, 5], batch.BatchIndex);
        Assert.True(batch.NoiseMask!.equal(first.NoiseMask!), "samples1's noise mask is kept");
    }

    [Fact]
    public void LatentBatch_refuses_latents_of_other_channels_naming_samples2()
    {
        using var first = new Latent(torch.zeros([1, 4, 4, 4]));
        using var second = new Latent(torch.zeros([1, 16, 4, 4]));
        var error = Assert.Throws<NodeSdk.InputException>(() => new LatentBatch().Execute(first, second));
        Assert.Equal("samples2", error.InputName);
    }

    [Fact]
    public void RepeatLatentBatch_repeats_items_masks_and_shifted_batch_indices()
    {
        using var scope = torch.NewDisposeScope();
        var samples = Numbered(2, 4, 2, 2);
        var masks = Numbered(2, 1, 2, 2);
        using var latent = new Latent(samples.clone(), masks.clone(), [1, 3]);

        using var repeated = new RepeatLatentBatch().Execute(latent, amount: 3);

        Assert.True(repeated.Samples.equal(torch.cat([samples, samples, samples], 0)));
        Assert.True(repeated.NoiseMask!.equal(torch.cat([masks, masks, masks], 0)));
        Assert.Equal([1, 3, 4, 6, 7, 9], repeated.BatchIndex);   // offset max − min + 1 = 3 per copy
    }

    [Fact]
    public void RepeatLatentBatch_keeps_a_single_mask_and_leaves_indices_unset()
    {
        using var scope = torch.NewDisposeScope();
        using var latent = new Latent(torch.zeros([1, 4, 2, 2]), torch.ones([1, 1, 2, 2]));
        using var repeated = new RepeatLatentBatch().Execute(latent, amount: 2);
        Assert.Equal([1L, 1, 2, 2], repeated.NoiseMask!.shape);
        Assert.Null(repeated.BatchIndex);
    }

    [Fact]
    public void LatentFromBatch_counts_from_the_end_clamps_the_length_and_numbers_the_items_taken()
    {
        using var scope = torch.NewDisposeScope();
        var samples = Numbered(4, 4, 2, 2);
        var masks = Numbered(2, 1, 2, 2);
        using var latent = new Latent(samples.clone(), masks.clone());

        using var taken = new LatentFromBatch().Execute(latent, batchIndex: -2, length: 5);

        Assert.True(taken.Samples.equal(samples.narrow(0, 2, 2)));
        Assert.Equal([2, 3], taken.BatchIndex);
        Assert.True(taken.NoiseMask!.equal(masks), "two masks cycled over four items: items 2 and 3 get masks 0 and 1");
    }

    [Fact]
    public void LatentFromBatch_slices_the_latents_own_batch_indices()
    {
        using var scope = torch.NewDisposeScope();
        using var latent = new Latent(torch.zeros([4, 4, 2, 2]), torch.ones([1, 1, 2, 2]), [10, 11, 12, 13]);
        using var taken = new LatentFromBatch().Execute(latent, batchIndex: 9, length: 1);
        Assert.Equal([13], taken.BatchIndex);   // 9 clamped to the last item
        Assert.Equal([1L, 1, 2, 2], taken.NoiseMask!.shape);
    }

    [Fact]
    public void SetLatentNoiseMask_reshapes_the_mask_to_one_channel_and_keeps_the_latent()
    {
        using var scope = torch.NewDisposeScope();
        var values = Numbered(2, 3, 5);
        using var latent = new Latent(Numbered(1, 4, 3, 5), batchIndex: [4]);

        using var masked = new SetLatentNoiseMask().Execute(latent, new Mask(values.clone()));

        Assert.True(masked.NoiseMask!.equal(values.reshape(2, 1, 3, 5)));
        Assert.True(masked.Samples.equal(latent.Samples));
        Assert.Equal([4], masked.BatchIndex);
    }
}
