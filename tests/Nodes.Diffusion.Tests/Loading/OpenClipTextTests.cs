using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>
/// An OpenCLIP text tower as SD2 and MVDream checkpoints carry it: a text encoder written in OpenCLIP's layout under a
/// checkpoint prefix, with one more block after its last (the block SD2's penultimate layer never reaches), loads into
/// the same model, which gives the same states; heads are 64 wide, one for a narrower tower.
/// </summary>
public sealed class OpenClipTextTests : IDisposable
{
    private const string Prefix = "cond_stage_model.model.";
    private readonly string _root = Directory.CreateTempSubdirectory("openclip-text-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(128, 2, "gelu")]
    [InlineData(32, 1, "quick_gelu")]
    public void Tower_without_its_last_block_loads_the_same_encoder(int width, int heads, string activation)
    {
        var config = new ClipTextConfig
        {
            VocabSize = 300, HiddenSize = width, IntermediateSize = 3 * width, NumHiddenLayers = 2, NumAttentionHeads = heads,
            MaxPositionEmbeddings = 77, HiddenAct = activation,
        };
        using var reference = new ClipTextModel(config);
        using (torch.NewDisposeScope())
        {
            foreach (var (_, parameter) in reference.state_dict())
                parameter.copy_(torch.randn(parameter.shape) * 0.1);  // modules start uninitialized
        }
        var path = Path.Combine(_root, "mvdream.safetensors");
        using (var scope = torch.NewDisposeScope())
            SafeTensors.Save(path, InOpenClipLayout(reference.state_dict(), config.NumHiddenLayers));
        using var file = TensorFile.Open(path);
        Assert.True(OpenClipText.IsPresent(file, Prefix));

        using var loaded = OpenClipText.Load(file, Prefix, config.Activation);

        Assert.Equal(config, loaded.Config);
        using var tokens = torch.randint(0, config.VocabSize, [2L, 77L]);
        using var expected = reference.Forward(tokens);
        using var actual = loaded.Forward(tokens);
        Assert.True(expected.LastHiddenState.equal(actual.LastHiddenState));
    }

    [Fact]
    public void A_file_without_the_tower_is_not_taken_for_one()
    {
        var path = Path.Combine(_root, "other.safetensors");
        using (var scope = torch.NewDisposeScope())
            SafeTensors.Save(path, new Dictionary<string, Tensor> { [Prefix + "token_embedding.weight"] = torch.zeros([8L, 64L]) });
        using var file = TensorFile.Open(path);

        Assert.False(OpenClipText.IsPresent(file, Prefix));
    }

    /// <summary>OpenCLIP's names for transformers' text keys, written out independently of the loader, plus a further block of noise.</summary>
    private static Dictionary<string, Tensor> InOpenClipLayout(IReadOnlyDictionary<string, Tensor> state, int layers)
    {
        var open = new Dictionary<string, Tensor>
        {
            [Prefix + "token_embedding.weight"] = state["text_model.embeddings.token_embedding.weight"],
            [Prefix + "positional_embedding"] = state["text_model.embeddings.position_embedding.weight"],
            [Prefix + "ln_final.weight"] = state["text_model.final_layer_norm.weight"],
            [Prefix + "ln_final.bias"] = state["text_model.final_layer_norm.bias"],
            [Prefix + "text_projection"] = torch.randn([state["text_model.final_layer_norm.weight"].shape[0], 16L]),
            [Prefix + "logit_scale"] = torch.scalar_tensor(4.6f),
        };
        OpenClipLayout.AddBlocks(open, state, "text_model.encoder.layers.", Prefix, layers);
        var extra = $"{Prefix}transformer.resblocks.{layers}.";
        foreach (var key in open.Keys.Where(k => k.StartsWith($"{Prefix}transformer.resblocks.0.", StringComparison.Ordinal)).ToList())
            open[extra + key[$"{Prefix}transformer.resblocks.0.".Length..]] = torch.randn_like(open[key]);
        return open;
    }
}
