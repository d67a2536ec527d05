using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.Unet;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.LatentUpscaling;

/// <summary>The K-blocks UNet loads the fixture's unet/ strictly by key and reproduces diffusers' call (unet_call.*), the time embedding included.</summary>
public sealed class KUNetParityTests
{
    [GoldenFact(MultiviewFixture.Name)]
    public void One_call_and_its_recorded_intermediates_match_diffusers()
    {
        using var golden = LatentUpscalerFixture.Tensors();
        using var unet = new DiffusersFolder(LatentUpscalerFixture.PipelineFolder).LoadKUnet();
        using var captured = new CapturedTensors();
        using var scope = torch.NewDisposeScope();

        var output = unet.Forward(golden.Load("unet_call.sample"), golden.Load("unet_call.timestep"),
            golden.Load("unet_call.encoder_hidden_states"), golden.Load("unet_call.timestep_cond"), captured);

        golden.AssertAllRecorded("unet_call.dbg.", captured.Tensors);
        golden.AssertMatches("unet_call.out", output);
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void The_loaded_config_is_the_manifests()
    {
        var recorded = LatentUpscalerFixture.Manifest["unet_config"]!;
        using var unet = new DiffusersFolder(LatentUpscalerFixture.PipelineFolder).LoadKUnet();
        var config = unet.Config;

        Assert.Equal(recorded["block_out_channels"]!.AsArray().Select(c => (int)c!), config.BlockOutChannels);
        Assert.Equal(recorded["down_block_types"]!.AsArray().Select(c => (string)c!), config.DownBlockTypes);
        Assert.Equal(recorded["up_block_types"]!.AsArray().Select(c => (string)c!), config.UpBlockTypes);
        Assert.Equal(((int)recorded["in_channels"]!, (int)recorded["out_channels"]!), (config.InChannels, config.OutChannels));
        Assert.Equal(((int)recorded["attention_head_dim"]!, (int)recorded["cross_attention_dim"]!), (config.AttentionHeadDim, config.CrossAttentionDim));
        Assert.Equal((int)recorded["time_cond_proj_dim"]!, config.TimeCondProjDim);
        Assert.Equal((int)recorded["layers_per_block"]!, config.LayersPerBlock);
    }

    /// <summary>Read from the weights alone, the configuration is the file's except the head width (not in any shape), which is the published 64.</summary>
    [GoldenFact(MultiviewFixture.Name)]
    public void Shapes_give_the_configuration_but_the_head_width()
    {
        var folder = new DiffusersFolder(LatentUpscalerFixture.PipelineFolder);
        var fromJson = KUNet2DConditionConfig.FromJson(folder.Config("unet"));
        using var weights = TensorFile.Open(Path.Combine(folder.ComponentFolder("unet"), "diffusion_pytorch_model.safetensors"));

        var fromShapes = KUNetShapes.Config(new CheckpointShapes(weights, "", "unet"));

        Assert.Equal(64, fromShapes.AttentionHeadDim);
        // Records compare arrays by reference: the scalar fields are compared with the arrays set to one instance.
        KUNet2DConditionConfig Scalars(KUNet2DConditionConfig c) =>
            c with { BlockOutChannels = Array.Empty<int>(), DownBlockTypes = Array.Empty<string>(), UpBlockTypes = Array.Empty<string>(), AttentionHeadDim = 0 };
        Assert.Equal(Scalars(fromJson), Scalars(fromShapes));
        Assert.Equal(fromJson.BlockOutChannels, fromShapes.BlockOutChannels);
        Assert.Equal(fromJson.DownBlockTypes, fromShapes.DownBlockTypes);
        Assert.Equal(fromJson.UpBlockTypes, fromShapes.UpBlockTypes);
    }

    [Theory]
    [InlineData("""{"mid_block_type": "UNetMidBlock2DCrossAttn"}""", "mid_block_type")]
    [InlineData("""{"norm_num_groups": 32}""", "norm_num_groups")]
    [InlineData("""{"time_embedding_type": "positional"}""", "time_embedding_type")]
    [InlineData("""{"down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"]}""", "down_block_types")]
    [InlineData("""{"attention_head_dim": 100}""", "attention_head_dim")]
    [InlineData("""{"attention_head_dim": [64, 64, 64, 64]}""", "attention_head_dim")]
    public void A_config_this_port_does_not_build_is_refused_naming_the_key(string json, string key)
    {
        var error = Assert.Throws<InvalidDataException>(() => KUNet2DConditionConfig.FromJson(json, "unet/config.json"));
        Assert.Contains("unet/config.json", error.Message);
        Assert.Contains(key, error.Message);
    }
}
