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
    public void Text_encoder_config_comes_from_the_yaml()
    {
        var loaded = LoadSingleFile();
        using var unet = loaded.Model;
        using var clip = loaded.Clip;
        using var vae = loaded.Vae;
        Assert.Equal((32, 37, 3, 4), (clip.Encoder.Config.HiddenSize, clip.Encoder.Config.IntermediateSize,
            clip.Encoder.Config.NumHiddenLayers, clip.Encoder.Config.NumAttentionHeads));
        Assert.Equal([8, 8], unet.Unet.Config.HeadsPerBlock);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Missing_tokenizer_names_where_it_was_looked_for()
    {
        var error = Assert.Throws<FileNotFoundException>(() =>
            SingleFileCheckpoint.Load(Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"), ["/nonexistent/tokenizers/clip_l"]));
        Assert.Contains("sd15-tiny.tokenizer, /nonexistent/tokenizers/clip_l", error.Message);
    }
}
