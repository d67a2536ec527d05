using Workflow.Host.Registry;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Guidance;

/// <summary>
/// Each conditioning node's effect on the CONDITIONING value, as ComfyUI's nodes.py computes it, and the schemas
/// /object_info gives (ComfyUI's input names, types and defaults).
/// </summary>
public sealed class ConditioningNodesTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(ConditioningCombine).Assembly]);

    public void Dispose() => _test.Dispose();

    [Fact]
    public void Combine_keeps_both_entries_in_order_and_outlives_its_inputs()
    {
        var first = new Conditioning([Prompt(1) with { Strength = 0.5 }]);
        var second = new Conditioning([Prompt(2), Prompt(3)]);

        using var combined = new ConditioningCombine().Execute(first, second);
        first.Dispose();
        second.Dispose();

        Assert.Equal([1f, 2f, 3f], combined.Entries.Select(e => e.Embeddings.mean().item<float>()));
        Assert.Equal([0.5, 1.0, 1.0], combined.Entries.Select(e => e.Strength));
    }

    [Fact]
    public void Concat_appends_the_first_from_entry_to_every_to_entry()
    {
        using var pooled = torch.full([1, 2], 7.0);
        using var to = new Conditioning([Prompt(1, tokens: 3) with { Strength = 2 }, new ConditioningEntry(torch.full([1, 2, 4], 4.0), pooled.alias())]);
        using var from = new Conditioning([Prompt(9, tokens: 2), Prompt(5)]);
        var context = Context();

        using var concat = new ConditioningConcat().Execute(context, to, from);

        Assert.Equal([1L, 5, 4], concat.Entries[0].Embeddings.shape);
        using var expected = torch.cat([to.Entries[0].Embeddings, from.Entries[0].Embeddings], dim: 1);
        Assert.True(concat.Entries[0].Embeddings.equal(expected));
        Assert.Equal(2, concat.Entries[0].Strength);
        Assert.True(concat.Entries[1].Pooled!.equal(pooled), "the pooled output stays the to entry's");
        Assert.Contains(context.Logs, log => log.Message.Contains("only the first"));
    }

    [Fact]
    public void Concat_refuses_tokens_of_another_width_naming_conditioning_from()
    {
        using var to = new Conditioning([Prompt(1)]);
        using var from = new Conditioning([new ConditioningEntry(torch.zeros([1, 3, 8]), null)]);

        Assert.Equal("conditioning_from", Assert.Throws<InputException>(() => new ConditioningConcat().Execute(Context(), to, from)).InputName);
    }

    [Fact]
    public void Average_blends_tokens_cut_or_zero_padded_and_pooled_outputs()
    {
        using var toPooled = torch.full([1, 2], 4.0);
        using var fromPooled = torch.full([1, 2], 8.0);
        using var to = new Conditioning([new ConditioningEntry(Ramp(3), toPooled.alias()), new ConditioningEntry(Ramp(6), null) with { Strength = 3 }]);
        using var from = new Conditioning([new ConditioningEntry(Ramp(4) * 10, fromPooled.alias())]);

        using var average = new ConditioningAverage().Execute(Context(), to, from, conditioningToStrength: 0.25);

        using var cut = from.Entries[0].Embeddings.narrow(1, 0, 3);
        using var expectedCut = to.Entries[0].Embeddings * 0.25 + cut * 0.75;
        Assert.True(average.Entries[0].Embeddings.equal(expectedCut));
        using var padded = torch.cat([from.Entries[0].Embeddings, torch.zeros([1, 2, 4])], dim: 1);
        using var expectedPadded = to.Entries[1].Embeddings * 0.25 + padded * 0.75;
        Assert.True(average.Entries[1].Embeddings.equal(expectedPadded));
        Assert.Equal(4 * 0.25f + 8 * 0.75f, average.Entries[0].Pooled!.mean().item<float>());
        Assert.Equal(8f, average.Entries[1].Pooled!.mean().item<float>());
        Assert.Equal(3, average.Entries[1].Strength);
    }

    [Fact]
    public void Set_area_keeps_the_box_in_latent_cells_rounded_down()
    {
        using var conditioning = new Conditioning([Prompt(1), Prompt(2)]);

        using var area = new ConditioningSetArea().Execute(conditioning, width: 100, height: 64, x: 36, y: 8, strength: 2.5);

        Assert.All(area.Entries, entry => Assert.Equal(new LatentArea(8, 12, 1, 4), entry.Area));
        Assert.All(area.Entries, entry => Assert.Equal(2.5, entry.Strength));
        Assert.All(area.Entries, entry => Assert.False(entry.SetAreaToBounds));
    }

    [Fact]
    public void Set_area_percentage_keeps_the_fractions_and_strength_sets_only_the_weight()
    {
        using var conditioning = new Conditioning([Prompt(1) with { Area = new LatentArea(8, 8, 0, 0) }]);

        using var percentage = new ConditioningSetAreaPercentage().Execute(conditioning, width: 0.5, height: 0.25, x: 0.1, y: 0.2, strength: 3);
        using var strength = new ConditioningSetAreaStrength().Execute(conditioning, strength: 0.5);

        Assert.Equal(new FractionalArea(0.25, 0.5, 0.2, 0.1), percentage.Entries[0].Area);
        Assert.Equal(3, percentage.Entries[0].Strength);
        Assert.Equal((new LatentArea(8, 8, 0, 0), 0.5), (strength.Entries[0].Area, strength.Entries[0].Strength));
    }

    [Fact]
    public void Set_mask_stores_the_mask_its_strength_and_mask_bounds()
    {
        using var conditioning = new Conditioning([Prompt(1) with { Strength = 2 }]);
        using var mask = new Mask(torch.ones([1, 16, 16]));

        using var masked = new ConditioningSetMask().Execute(conditioning, mask, strength: 0.75, ConditioningSetMask.CondArea.MaskBounds);

        var entry = Assert.Single(masked.Entries);
        Assert.True(entry.Mask!.equal(mask.Values));
        Assert.Equal((0.75, true, 2.0), (entry.MaskStrength, entry.SetAreaToBounds, entry.Strength));
    }

    [Fact]
    public void Set_timestep_range_stores_the_fractions()
    {
        using var conditioning = new Conditioning([Prompt(1)]);

        using var ranged = new ConditioningSetTimestepRange().Execute(conditioning, start: 0.2, end: 0.7);

        Assert.Equal((0.2, 0.7), (ranged.Entries[0].StartPercent, ranged.Entries[0].EndPercent));
    }

    [Fact]
    public void Zero_out_zeroes_tokens_and_pooled_output_and_keeps_the_options()
    {
        using var conditioning = new Conditioning([new ConditioningEntry(torch.ones([1, 3, 4]), torch.ones([1, 2])) with { Strength = 2, StartPercent = 0.5 }]);

        using var zero = new ConditioningZeroOut().Execute(conditioning);

        var entry = Assert.Single(zero.Entries);
        Assert.Equal((0f, 0f), (entry.Embeddings.abs().sum().item<float>(), entry.Pooled!.abs().sum().item<float>()));
        Assert.Equal([1L, 3, 4], entry.Embeddings.shape);
        Assert.Equal((2.0, (double?)0.5), (entry.Strength, entry.StartPercent));
        Assert.Equal(1f, conditioning.Entries[0].Embeddings.mean().item<float>());
    }

    [Theory]
    [InlineData("ConditioningCombine", """{"conditioning_1": ["CONDITIONING"], "conditioning_2": ["CONDITIONING"]}""")]
    [InlineData("ConditioningConcat", """{"conditioning_to": ["CONDITIONING"], "conditioning_from": ["CONDITIONING"]}""")]
    [InlineData("ConditioningAverage", """{"conditioning_to": ["CONDITIONING"], "conditioning_from": ["CONDITIONING"], "conditioning_to_strength": ["FLOAT", {"default": 1, "min": 0, "max": 1, "step": 0.01}]}""")]
    [InlineData("ConditioningSetArea", """{"conditioning": ["CONDITIONING"], "width": ["INT", {"default": 64, "min": 64, "max": 16384, "step": 8}], "height": ["INT", {"default": 64, "min": 64, "max": 16384, "step": 8}], "x": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}], "y": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}], "strength": ["FLOAT", {"default": 1, "min": 0, "max": 10, "step": 0.01}]}""")]
    [InlineData("ConditioningSetAreaPercentage", """{"conditioning": ["CONDITIONING"], "width": ["FLOAT", {"default": 1, "min": 0, "max": 1, "step": 0.01}], "height": ["FLOAT", {"default": 1, "min": 0, "max": 1, "step": 0.01}], "x": ["FLOAT", {"default": 0, "min": 0, "max": 1, "step": 0.01}], "y": ["FLOAT", {"default": 0, "min": 0, "max": 1, "step": 0.01}], "strength": ["FLOAT", {"default": 1, "min": 0, "max": 10, "step": 0.01}]}""")]
    [InlineData("ConditioningSetAreaStrength", """{"conditioning": ["CONDITIONING"], "strength": ["FLOAT", {"default": 1, "min": 0, "max": 10, "step": 0.01}]}""")]
    [InlineData("ConditioningSetMask", """{"conditioning": ["CONDITIONING"], "mask": ["MASK"], "strength": ["FLOAT", {"default": 1, "min": 0, "max": 10, "step": 0.01}], "set_cond_area": [["default", "mask bounds"], {"default": "default"}]}""")]
    [InlineData("ConditioningSetTimestepRange", """{"conditioning": ["CONDITIONING"], "start": ["FLOAT", {"default": 0, "min": 0, "max": 1, "step": 0.001}], "end": ["FLOAT", {"default": 1, "min": 0, "max": 1, "step": 0.001}]}""")]
    [InlineData("ConditioningZeroOut", """{"conditioning": ["CONDITIONING"]}""")]
    public void Object_info_gives_ComfyUIs_inputs(string node, string required)
    {
        Assert.True(_test.Engine.Registry.TryGet(node, out var definition));
        var info = ObjectInfo.ForNode(definition, node, _test.Engine.Paths);
        TestEngine.AssertJsonEqual(required, info["input"]!["required"]);
        Assert.Equal(["CONDITIONING"], info["output"]!.AsArray().Select(n => (string)n!));
    }

    private TestNodeContext Context() => new(_test.Engine.Paths);

    private static ConditioningEntry Prompt(double value, int tokens = 3) => new(torch.full([1, tokens, 4], value), null);

    /// <summary>[1, tokens, 4] holding 0, 1, 2, …: every cell distinct, so a misplaced token shows.</summary>
    private static Tensor Ramp(int tokens) => torch.arange(tokens * 4, torch.float32).view(1, tokens, 4);
}
