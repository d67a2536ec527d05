using Workflow.Nodes.Diffusion.Components;
using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;

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
            SameWeights.Assert(folder, single);
        }
        finally
        {
            SameWeights.Dispose(single, folder);
        }
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Text_encoder_and_heads_come_from_the_yaml()
    {
        var loaded = LoadSingleFile();
        using var unet = loaded.Model;
        using var clip = Assert.IsType<ClipModel>(loaded.Clip);
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
        Assert.Equal(heads, ((Workflow.Nodes.Diffusion.Models.Unet.UNet2DConditionModel)unet.Network).Config.HeadsPerBlock);
    }
}
