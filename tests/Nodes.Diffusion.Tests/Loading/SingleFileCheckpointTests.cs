using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>
/// The fixture's single-file checkpoint (diffusers' convert_diffusers_to_original_stable_diffusion.py output) loads
/// into exactly the weights of its diffusers folder: configurations inferred from shapes (+ the .yaml), keys renamed.
/// </summary>
public sealed class SingleFileCheckpointTests
{
    private static LoadedCheckpoint LoadSingleFile() =>
        SingleFileCheckpoint.Load(Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"), [Golden.File(Sd15Fixture.Name, "model/tokenizer")]);

    [GoldenFact(Sd15Fixture.Name)]
    public void Single_file_gives_the_diffusers_folder_weights_exactly()
    {
        var single = LoadSingleFile();
        var folder = DiffusersCheckpoint.Load(Golden.File(Sd15Fixture.Name, "model"));
        try
        {
            AssertSameWeights("unet", folder.Model.Unet, single.Model.Unet);
            AssertSameWeights("vae", folder.Vae.Autoencoder, single.Vae.Autoencoder);
            AssertSameWeights("text_encoder", folder.Clip.Encoder, single.Clip.Encoder);
            Assert.Equal(folder.Model.LatentFormat, single.Model.LatentFormat);
            Assert.Equal(folder.Model.Schedule.PredictionType, single.Model.Schedule.PredictionType);
        }
        finally
        {
            foreach (var loaded in new[] { single, folder })
            {
                loaded.Model.Dispose();
                loaded.Clip.Dispose();
                loaded.Vae.Dispose();
            }
        }
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Text_encoder_and_heads_come_from_the_yaml()
    {
        var loaded = LoadSingleFile();
        using var unet = loaded.Model;
        using var clip = loaded.Clip;
        using var vae = loaded.Vae;
        var text = Sd15Fixture.ModelConfig("text_encoder");
        Assert.Equal(((int)text["hidden_size"]!, (int)text["intermediate_size"]!, (int)text["num_hidden_layers"]!, (int)text["num_attention_heads"]!),
            (clip.Encoder.Config.HiddenSize, clip.Encoder.Config.IntermediateSize, clip.Encoder.Config.NumHiddenLayers, clip.Encoder.Config.NumAttentionHeads));
        // SD1.x's diffusers config calls the head count attention_head_dim (one number for every block, or one per block).
        var unetConfig = Sd15Fixture.ModelConfig("unet");
        var blocks = unetConfig["block_out_channels"]!.AsArray().Count;
        var heads = unetConfig["attention_head_dim"] is JsonArray perBlock
            ? perBlock.Select(h => (int)h!).ToArray()
            : Enumerable.Repeat((int)unetConfig["attention_head_dim"]!, blocks).ToArray();
        Assert.Equal(heads, unet.Unet.Config.HeadsPerBlock);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Missing_tokenizer_names_where_it_was_looked_for()
    {
        var error = Assert.Throws<FileNotFoundException>(() =>
            SingleFileCheckpoint.Load(Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"), ["/nonexistent/tokenizers/clip_l"]));
        Assert.Contains("sd15-tiny.tokenizer, /nonexistent/tokenizers/clip_l", error.Message);
    }

    private static void AssertSameWeights(string component, Module expected, Module actual)
    {
        var expectedState = expected.state_dict();
        var actualState = actual.state_dict();
        Assert.Equal(expectedState.Keys.Order(), actualState.Keys.Order());
        foreach (var (key, tensor) in expectedState)
            Assert.True(tensor.equal(actualState[key]), $"{component}: {key} differs between the single file and the diffusers folder");
    }
}
