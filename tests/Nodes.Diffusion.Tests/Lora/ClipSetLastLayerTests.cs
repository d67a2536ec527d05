using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.NodeSdk;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Lora;

/// <summary>
/// CLIPSetLastLayer (CLIP skip) on sd15-tiny's CLIP with random weights: the conditioning is the chosen layer's hidden
/// states through final_layer_norm, computed here layer by layer; the pooled output stays the last layer's.
/// </summary>
public sealed class ClipSetLastLayerTests : IDisposable
{
    private const string Prompt = "a castle on a hill";
    private readonly LoadedCheckpoint _checkpoint = RandomCheckpoint.Create(RandomModelPreset.Sd15Tiny, seed: 9);
    private readonly TestNodeContext _context = new(new NodePaths("models", "input", "output", "temp"));

    public void Dispose()
    {
        _checkpoint.Model.Dispose();
        _checkpoint.Clip.Dispose();
        _checkpoint.Vae.Dispose();
    }

    private ClipModel Clip => (ClipModel)_checkpoint.Clip;

    [Theory]
    [InlineData(-2)]
    [InlineData(-3)]
    public void The_conditioning_is_the_chosen_layers_hidden_states_through_the_final_norm(int layer)
    {
        using var skipped = (ClipModel)new ClipSetLastLayer().Execute(Clip, layer);
        using var encoded = skipped.Encode(Prompt, _context.Logger);
        using var output = Clip.Forward(Prompt, _context.Logger);
        var norm = Clip.Encoder.state_dict();
        using var expected = F.layer_norm(output.HiddenStates[^(-layer)], [Clip.Encoder.Config.HiddenSize],
            norm["text_model.final_layer_norm.weight"], norm["text_model.final_layer_norm.bias"], Clip.Encoder.Config.LayerNormEps);

        Assert.True(encoded.Entries[0].Embeddings.equal(expected), "not the chosen layer's normed hidden states");
        Assert.False(encoded.Entries[0].Embeddings.allclose(output.LastHiddenState), "the last layer's states");
        Assert.True(encoded.Entries[0].Pooled!.equal(output.PooledOutput), "the pooled output is not the last layer's");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-24)]
    public void The_last_layer_and_layers_past_the_first_give_the_plain_encoding(int layer)
    {
        using var skipped = (ClipModel)new ClipSetLastLayer().Execute(Clip, layer);
        using var encoded = skipped.Encode(Prompt, _context.Logger);
        using var plain = Clip.Encode(Prompt, _context.Logger);

        Assert.True(encoded.Entries[0].Embeddings.equal(plain.Entries[0].Embeddings));
    }

    [Fact]
    public void The_skip_layer_holds_through_a_LoRA_and_shares_the_encoder()
    {
        using var skipped = (ClipModel)new ClipSetLastLayer().Execute(Clip, -2);

        Assert.Same(Clip.Encoder, skipped.Encoder);
        Assert.Equal(0, skipped.HostBytes);
        Assert.Equal(-1, Clip.LastLayer);
        using var patched = skipped.WithPatch(new Patching.LoraPatch([]));
        Assert.Equal(-2, patched.LastLayer);
    }
}
