using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.LatentUpscaling;

/// <summary>
/// A single file holding the pipeline's unet.* and text_encoder.* (here the fixture's, with their configs in a
/// same-stem .json, as the tiny sizes' head widths are not the published 64) loads to the same model as the folder;
/// a file without them is refused naming model_name.
/// </summary>
public sealed class LatentUpscalerSingleFileTests : IDisposable
{
    private readonly TemporaryBase _base = new("latent-upscaler-file-");

    public void Dispose() => _base.Dispose();

    private NodePaths Paths => _base.Paths;

    [GoldenFact(MultiviewFixture.Name)]
    public void A_single_file_gives_the_folders_model()
    {
        var folder = LatentUpscalerFixture.PipelineFolder;
        var models = Directory.CreateDirectory(Paths.ModelFolder("latent_upscale_models")).FullName;
        WriteSingleFile(Path.Combine(models, "upscaler.safetensors"), folder);
        File.WriteAllText(Path.Combine(models, "upscaler.json"), new JsonObject
        {
            ["unet"] = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "unet", "config.json"))),
            ["text_encoder"] = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "text_encoder", "config.json"))),
        }.ToJsonString());
        Directory.CreateSymbolicLink(Path.Combine(models, "upscaler.tokenizer"), Path.Combine(folder, "tokenizer"));
        using var golden = LatentUpscalerFixture.Tensors();
        using var fromFolder = LatentUpscalerFixture.LoadModel();

        using var fromFile = new LatentUpscaleModelLoader().Execute(new TestNodeContext(Paths), "upscaler.safetensors");

        using var scope = torch.NewDisposeScope();
        Tensor Call(Components.LatentUpscaleModel model) => model.Unet.Forward(golden.Load("unet_call.sample"), golden.Load("unet_call.timestep"),
            golden.Load("unet_call.encoder_hidden_states"), golden.Load("unet_call.timestep_cond"));
        Assert.True(Call(fromFile).equal(Call(fromFolder)));
        using var fileText = fromFile.EncodePrompt("a horse", NullLogger.Instance);
        using var folderText = fromFolder.EncodePrompt("a horse", NullLogger.Instance);
        Assert.True(fileText.Entries[0].Embeddings.equal(folderText.Entries[0].Embeddings));
        Assert.Equal(fromFolder.Scheduler, fromFile.Scheduler);
        Assert.Equal(fromFolder.LatentFormat, fromFile.LatentFormat);
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void A_file_without_the_text_encoder_is_refused_naming_model_name()
    {
        var models = Directory.CreateDirectory(Paths.ModelFolder("latent_upscale_models")).FullName;
        using (var unet = TensorFile.Open(Path.Combine(LatentUpscalerFixture.PipelineFolder, "unet", "diffusion_pytorch_model.safetensors")))
            SafeTensors.Save(Path.Combine(models, "unet-only.safetensors"), unet.Keys.ToDictionary(k => "unet." + k, k => unet.Load(k)));

        var error = Assert.Throws<InputException>(() => new LatentUpscaleModelLoader().Execute(new TestNodeContext(Paths), "unet-only.safetensors"));

        Assert.Equal("model_name", error.InputName);
        Assert.Contains("no keys under text_encoder.", error.Message);
    }

    /// <summary>The pipeline's two networks in one file under their component names.</summary>
    private static void WriteSingleFile(string path, string folder)
    {
        using var unet = TensorFile.Open(Path.Combine(folder, "unet", "diffusion_pytorch_model.safetensors"));
        using var text = TensorFile.Open(Path.Combine(folder, "text_encoder", "model.safetensors"));
        using var scope = torch.NewDisposeScope();
        var tensors = unet.Keys.ToDictionary(k => "unet." + k, k => unet.Load(k));
        foreach (var key in text.Keys)
            tensors["text_encoder." + key] = text.Load(key);
        SafeTensors.Save(path, tensors);
    }
}
