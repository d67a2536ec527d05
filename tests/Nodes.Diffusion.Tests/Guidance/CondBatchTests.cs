using Workflow.Nodes.Diffusion.Sampling.Conds;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using static Workflow.Nodes.Diffusion.Tests.Guidance.ToyGuidance;

namespace Workflow.Nodes.Diffusion.Tests.Guidance;

/// <summary>
/// ComfyUI's calc_cond_batch and cfg_function on a toy denoiser, against the formula written out here: per cell,
/// Σ weight·prediction / (1e-37 + Σ weight) for each prompt, weights being strength × (mask × mask_strength, or the
/// area's fade: (t+1)/rr over the rr = min(8, side/4) cells by an inner edge), then uncond + (cond − uncond)·cfg.
/// </summary>
public sealed class CondBatchTests
{
    internal const int Side = 16;
    internal static readonly long[] Shape = [1, 2, Side, Side];

    [Fact]
    public void An_area_entry_is_faded_weighted_and_mirrored_into_the_negative()
    {
        var area = new LatentArea(8, 8, 4, 4);
        using var positive = new Conditioning([Entry(1), Entry(3) with { Area = area, Strength = 2 }]);
        using var negative = new Conditioning([Entry(-1)]);
        using var x = Noise(1);

        var (result, conds) = Predict(positive, negative, x, cfg: 7, sigma: 5f);

        Assert.Equal(2, conds.Negative.Count);
        Assert.Equal(area, conds.Negative[1].Area);
        var fade = AreaFade(area);
        var cond = Mix(x, (1, Ones()), (3, Scale(fade, 2)));
        var uncond = Mix(x, (-1, Ones()), (-1, Scale(fade, 2)));
        AssertGuided(cond, uncond, 7, result);
    }

    [Fact]
    public void A_mask_weighs_its_entry_by_mask_times_strengths_without_fading()
    {
        var mask = new float[Side, Side];
        for (int y = 0; y < Side; y++)
            for (int x2 = 0; x2 < Side; x2++)
                mask[y, x2] = x2 < Side / 2 ? 1f : 0.25f;
        using var maskTensor = torch.tensor(Flatten(mask), [1, Side, Side]);
        using var positive = new Conditioning([Entry(1), Entry(5) with { Mask = maskTensor.alias(), MaskStrength = 0.5, Strength = 3 }]);
        using var negative = new Conditioning([Entry(-2)]);
        using var x = Noise(2);

        var (result, _) = Predict(positive, negative, x, cfg: 4, sigma: 3f);

        var cond = Mix(x, (1, Ones()), (5, Map((y, c) => mask[y, c] * 0.5 * 3)));
        AssertGuided(cond, Mix(x, (-2, Ones())), 4, result);
    }

    [Fact]
    public void Mask_bounds_sample_the_box_around_the_mask_at_least_8_cells_a_side()
    {
        using var mask = torch.zeros([1, Side, Side]);
        mask.narrow(1, 2, 4).narrow(2, 3, 10).fill_(1);
        using var positive = new Conditioning([Entry(1), Entry(5) with { Mask = mask.alias(), SetAreaToBounds = true }]);
        using var negative = new Conditioning([Entry(-2)]);
        using var x = Noise(3);

        var (result, conds) = Predict(positive, negative, x, cfg: 2, sigma: 3f);

        Assert.Equal(new LatentArea(8, 10, 2, 3), conds.Positive[1].Area);
        var inMask = Map((y, c) => y is >= 2 and < 6 && c is >= 3 and < 13 ? 1 : 0);
        AssertGuided(Mix(x, (1, Ones()), (5, inMask)), Mix(x, (-2, Ones()), (-2, inMask)), 2, result);
    }

    [Fact]
    public void A_mask_of_another_size_is_resized_bilinearly_to_the_latent()
    {
        using var generator = new Generator(4);
        using var mask = torch.rand([1, 40, 24], generator);
        using var positive = new Conditioning([Entry(1) with { Mask = mask.alias() }]);
        using var negative = new Conditioning([Entry(0)]);
        using var conds = CondPreparation.Prepare(positive, negative, Setup(Shape));

        using var expected = F.interpolate(mask.unsqueeze(1), size: [Side, Side], mode: InterpolateMode.Bilinear).squeeze(1);
        Assert.True(conds.Positive[0].Mask!.equal(expected));
    }

    [Fact]
    public void Percentage_areas_round_half_to_even_and_keep_at_least_one_cell()
    {
        using var positive = new Conditioning([Entry(1) with { Area = new FractionalArea(0.15625, 0.01, 0.15625, 0.5) }]);
        using var negative = new Conditioning([Entry(0)]);
        using var conds = CondPreparation.Prepare(positive, negative, Setup(Shape));

        // 0.15625·16 = 2.5 rounds to 2; 0.01·16 = 0.16 rounds to 0, raised to 1.
        Assert.Equal(new LatentArea(2, 1, 2, 8), conds.Positive[0].Area);
    }

    [Fact]
    public void An_entry_outside_its_step_range_is_skipped()
    {
        using var positive = new Conditioning([Entry(1), Entry(9) with { StartPercent = 0.0, EndPercent = 0.5 }]);
        using var negative = new Conditioning([Entry(0)]);
        using var x = Noise(5);
        float end = (float)ModelSampling.PercentToSigma(0.5);

        var (early, _) = Predict(positive, negative, x, cfg: 3, sigma: ModelSampling.SigmaMax);
        var (late, _) = Predict(positive, negative, x, cfg: 3, sigma: end * 0.9f);

        AssertGuided(Mix(x, (1, Ones()), (9, Ones())), Mix(x, (0, Ones())), 3, early);
        AssertGuided(Mix(x, (1, Ones())), Mix(x, (0, Ones())), 3, late);
    }

    [Fact]
    public void Plain_prompts_run_as_one_uncond_then_cond_batch()
    {
        using var positive = new Conditioning([Entry(2)]);
        using var negative = new Conditioning([Entry(-3)]);
        using var x = Noise(6);
        var toy = new ToyGuidance();

        using var conds = CondPreparation.Prepare(positive, negative, Setup(Shape));
        using var guidance = new ComfyGuidance(conds, 6);
        using var result = guidance.Predict(x, 2f, toy.Denoise);

        var call = Assert.Single(toy.Calls);
        Assert.Equal([true, false], call.UnconditionalRows);
        using var expectedContext = torch.cat([negative.Entries[0].Embeddings, positive.Entries[0].Embeddings], dim: 0);
        Assert.True(call.Context.equal(expectedContext));
        using var cond = x * 0.5 + 2.0;
        using var uncond = x * 0.5 - 3.0;
        using var expected = uncond + (cond - uncond) * 6.0;
        Assert.True(result.equal(expected), "a plain pair is guided exactly as one [uncond, cond] batch");
    }

    [Fact]
    public void At_cfg_1_the_negative_is_not_run_and_the_positive_comes_out_exactly()
    {
        using var positive = new Conditioning([Entry(2)]);
        using var negative = new Conditioning([Entry(-3)]);
        using var x = Noise(7);
        var toy = new ToyGuidance();

        using var conds = CondPreparation.Prepare(positive, negative, Setup(Shape));
        using var guidance = new ComfyGuidance(conds, 1.0);
        using var result = guidance.Predict(x, 2f, toy.Denoise);

        Assert.Equal([false], Assert.Single(toy.Calls).UnconditionalRows);
        using var cond = x * 0.5 + 2.0;
        Assert.True(result.equal(cond));
    }

    [Fact]
    public void Token_counts_within_a_factor_of_4_share_a_call_padded_by_repetition()
    {
        using var positive = new Conditioning([Entry(2, tokens: 2)]);
        using var negative = new Conditioning([Entry(-3, tokens: 4)]);
        using var far = new Conditioning([Entry(-3, tokens: 10)]);
        using var x = Noise(8);
        var near = new ToyGuidance();
        var apart = new ToyGuidance();

        using (var conds = CondPreparation.Prepare(positive, negative, Setup(Shape)))
            new ComfyGuidance(conds, 5).Predict(x, 2f, near.Denoise).Dispose();
        using (var conds = CondPreparation.Prepare(positive, far, Setup(Shape)))
            new ComfyGuidance(conds, 5).Predict(x, 2f, apart.Denoise).Dispose();

        Assert.Equal([2L, 4, 4], Assert.Single(near.Calls).Context.shape);
        using var repeated = positive.Entries[0].Embeddings.repeat(1, 2, 1);
        Assert.True(near.Calls[0].Context.narrow(0, 1, 1).equal(repeated));
        Assert.Equal(2, apart.Calls.Count);
    }

    [Fact]
    public void Pooled_outputs_travel_in_their_entries_rows_for_networks_that_take_them()
    {
        using var positive = new Conditioning([Entry(2) with { Pooled = torch.full([1, 3], 5.0) }]);
        using var negative = new Conditioning([Entry(-3) with { Pooled = torch.full([1, 3], -5.0) }]);
        using var x = Noise(9);
        var toy = new ToyGuidance();

        using var conds = CondPreparation.Prepare(positive, negative, Setup(Shape) with { TakesPooled = true });
        new ComfyGuidance(conds, 3).Predict(x, 2f, toy.Denoise).Dispose();

        using var expected = torch.cat([negative.Entries[0].Pooled!, positive.Entries[0].Pooled!], dim: 0);
        Assert.True(Assert.Single(toy.Calls).Pooled!.equal(expected));
    }

    [Fact]
    public void An_area_starting_outside_the_latent_is_refused_naming_the_prompt()
    {
        using var positive = new Conditioning([Entry(1)]);
        using var negative = new Conditioning([Entry(0) with { Area = new LatentArea(8, 8, 0, Side) }]);

        var refusal = Assert.Throws<InputException>(() => CondPreparation.Prepare(positive, negative, Setup(Shape)));
        Assert.Equal("negative", refusal.InputName);
    }

    private static (Tensor Result, SamplingConds Conds) Predict(Conditioning positive, Conditioning negative, Tensor x, double cfg, float sigma)
    {
        var conds = CondPreparation.Prepare(positive, negative, Setup(Shape));
        using var guidance = new ComfyGuidance(conds, cfg);
        return (guidance.Predict(x, sigma, new ToyGuidance().Denoise), conds);
    }

    internal static Tensor Noise(long seed)
    {
        using var generator = new Generator(seed);
        return torch.randn(Shape, generator);
    }

    /// <summary>The fade of an area without a mask, per cell of the latent (0 outside the area).</summary>
    private static double[,] AreaFade(LatentArea area) =>
        Map((y, x) => y < area.Y || y >= area.Y + area.Height || x < area.X || x >= area.X + area.Width
            ? 0
            : Edge(y - area.Y, area.Height, area.Y) * Edge(x - area.X, area.Width, area.X));

    private static double Edge(int cell, int size, int offset)
    {
        int rr = Math.Min(8, size / 4);
        double weight = 1;
        if (offset != 0 && cell < rr)
            weight *= (cell + 1) / (double)rr;
        if (offset + size < Side && cell >= size - rr)
            weight *= (size - cell) / (double)rr;
        return weight;
    }

    private static double[,] Ones() => Map((_, _) => 1);

    private static double[,] Scale(double[,] weights, double factor) => Map((y, x) => weights[y, x] * factor);

    private static double[,] Map(Func<int, int, double> weight)
    {
        var map = new double[Side, Side];
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
                map[y, x] = weight(y, x);
        return map;
    }

    /// <summary>One prompt's output: Σ w·(x/2 + v) / (1e-37 + Σ w) per cell, for entries predicting x/2 + v.</summary>
    private static double[] Mix(Tensor x, params (double Value, double[,] Weight)[] entries)
    {
        var values = x.ToArray<float>();
        var mixed = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int y = i / Side % Side, c = i % Side;
            double sum = 0, weights = 1e-37;
            foreach (var (value, weight) in entries)
                (sum, weights) = (sum + weight[y, c] * (values[i] * 0.5 + value), weights + weight[y, c]);
            mixed[i] = sum / weights;
        }
        return mixed;
    }

    private static void AssertGuided(double[] cond, double[] uncond, double cfg, Tensor result)
    {
        var actual = result.ToArray<float>();
        for (int i = 0; i < actual.Length; i++)
        {
            double expected = uncond[i] + (cond[i] - uncond[i]) * cfg;
            Assert.True(Math.Abs(expected - actual[i]) <= 1e-5 * (1 + Math.Abs(expected)), $"cell {i}: expected {expected}, got {actual[i]}");
        }
        result.Dispose();
    }

    private static float[] Flatten(float[,] values) => [.. values.Cast<float>()];
}
