using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.Ltx2Vae;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Ltx2Vae;

/// <summary>The LTX-2 video VAE loads from a diffusers folder or one weights file, and VAELoader tells it from Stable Diffusion's VAE.</summary>
public sealed class Ltx2VaeLoadingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ltx2vae-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private NodePaths Paths => new(Path.Combine(_root, "models"), Path.Combine(_root, "input"), Path.Combine(_root, "output"), Path.Combine(_root, "temp"));

    public static TheoryData<string> Models => Golden.Rows(Ltx2VaeFixture.Name, () => ["model", "model_tc"], "model");

    [GoldenTheory(Ltx2VaeFixture.Name)]
    [MemberData(nameof(Models))]
    public void The_configuration_read_from_shapes_is_the_folders(string model)
    {
        using var vae = Ltx2VaeFixture.Load(model);
        using var file = TensorFile.Open(WeightsOf(model));

        var fromShapes = Ltx2VaeCheckpoint.ConfigFromShapes(file, file.Path);

        Assert.Equal(Describe(vae.Config), Describe(fromShapes));
        Assert.Equal(AutoencoderKLLTX2VideoConfig.Ltx2.ScalingFactor, fromShapes.ScalingFactor);   // not in the weights: LTX-2.0's
    }

    [GoldenFact(Ltx2VaeFixture.Name)]
    public void A_lone_weights_file_loads_the_same_weights_as_its_folder()
    {
        var lone = Path.Combine(_root, "ltx2_vae.safetensors");
        File.Copy(WeightsOf("model"), lone);
        using var folder = Ltx2VaeFixture.Load();

        using var single = Ltx2VaeCheckpoint.Load(lone);

        var expected = folder.state_dict();
        Assert.Equal(expected.Keys.Order(), single.state_dict().Keys.Order());
        foreach (var (key, tensor) in single.state_dict())
            Assert.True(tensor.equal(expected[key]), $"{key} differs");
    }

    [GoldenFact(Ltx2VaeFixture.Name)]
    public void VAELoader_recognises_each_kind_by_content()
    {
        var vaeFolder = Directory.CreateDirectory(Paths.ModelFolder("vae")).FullName;
        CopyFolder(Ltx2VaeFixture.FolderOf("model"), Path.Combine(vaeFolder, "ltx2-folder"));
        File.Copy(WeightsOf("model"), Path.Combine(vaeFolder, "ltx2.safetensors"));
        CopyFolder(Path.Combine(Sd15Fixture.Folder.Root, "vae"), Path.Combine(vaeFolder, "sd-folder"));
        var context = new TestNodeContext(Paths);

        using var video = new VaeLoader().Execute(context, "ltx2-folder");
        using var single = new VaeLoader().Execute(context, "ltx2.safetensors");
        using var image = new VaeLoader().Execute(context, "sd-folder");

        Assert.IsType<VideoVae>(video);
        Assert.IsType<VideoVae>(single);
        Assert.IsType<ImageVae>(image);
    }

    [GoldenFact(Ltx2VaeFixture.Name)]
    public void The_vae_setup_links_loads_by_its_name()
    {
        FixtureModels.Install(_root);

        using var vae = new VaeLoader().Execute(new TestNodeContext(Paths), "ltx2-vae-tiny");

        Assert.Equal((int)Ltx2VaeFixture.Manifest["model"]!["init_kwargs"]!["latent_channels"]!, Assert.IsType<VideoVae>(vae).LatentChannels);
    }

    /// <summary>
    /// Setup widens the tiny VAE to the refiner fixture's latent channels for workflows/arrefine_tiny.json
    /// (scripts/make-refiner-example.py): channel j repeats channel j mod L, so a latent whose copies agree decodes as the
    /// tiny VAE decodes it (up to float rounding: the decoder's first convolution sums the copies' halves).
    /// </summary>
    [GoldenFact(Ltx2VaeFixture.Name, "sanawm-refiner-tiny")]
    public void The_vae_widened_for_the_refiner_example_decodes_repeated_channels_as_the_tiny_vae()
    {
        FixtureModels.Install(_root);
        var context = new TestNodeContext(Paths);
        using var tiny = Assert.IsType<VideoVae>(new VaeLoader().Execute(context, "ltx2-vae-tiny"));
        using var wide = Assert.IsType<VideoVae>(new VaeLoader().Execute(context, "ltx2-vae-tiny-wide"));
        using var scope = torch.NewDisposeScope();
        var latents = torch.randn([1, tiny.LatentChannels, 2, 2, 3], new Generator(0));

        var expected = tiny.DecodeLatents(latents);
        var decoded = wide.DecodeLatents(latents.repeat(1, wide.LatentChannels / tiny.LatentChannels, 1, 1, 1));

        Assert.True(wide.LatentChannels > tiny.LatentChannels && wide.LatentChannels % tiny.LatentChannels == 0, $"{wide.LatentChannels} channels");
        Assert.True(decoded.allclose(expected, rtol: 0, atol: 1e-5), $"max |diff| {(decoded - expected).abs().max().item<float>()}");
    }

    /// <summary>ComfyUI's models/vae/ files are in the original names; mvdream-tiny's checkpoint (setup completes it with sd15-tiny's VAE) has one under first_stage_model.</summary>
    [GoldenFact("multiview-tiny")]
    public void VAELoader_reads_a_stable_diffusion_vae_file_in_the_original_names()
    {
        FixtureModels.Install(_root);
        var vaeFolder = Directory.CreateDirectory(Paths.ModelFolder("vae")).FullName;
        using (var scope = torch.NewDisposeScope())
        {
            var checkpoint = SafeTensors.LoadAll(Path.Combine(Paths.ModelFolder("checkpoints"), "mvdream-tiny.safetensors"));
            const string prefix = "first_stage_model.";
            SafeTensors.Save(Path.Combine(vaeFolder, "sd-vae.safetensors"),
                checkpoint.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(t => t.Key[prefix.Length..], t => t.Value));
        }
        using var expected = Sd15Fixture.Folder.LoadVae();

        using var vae = new VaeLoader().Execute(new TestNodeContext(Paths), "sd-vae.safetensors");

        var loaded = Assert.IsType<ImageVae>(vae).Autoencoder.state_dict();
        Assert.Equal(expected.state_dict().Keys.Order(), loaded.Keys.Order());
        foreach (var (key, tensor) in expected.state_dict())
            Assert.True(tensor.equal(loaded[key]), $"{key} differs");
    }

    [Fact]
    public void VAELoader_refuses_a_file_that_is_no_vae_naming_the_input()
    {
        var vaeFolder = Directory.CreateDirectory(Paths.ModelFolder("vae")).FullName;
        using (var scope = torch.NewDisposeScope())
            SafeTensors.Save(Path.Combine(vaeFolder, "lora.safetensors"), new Dictionary<string, Tensor> { ["lora_unet_down.alpha"] = torch.ones([1]) });

        var error = Assert.Throws<InputException>(() => new VaeLoader().Execute(new TestNodeContext(Paths), "lora.safetensors"));

        Assert.Equal("vae_name", error.InputName);
        Assert.Contains("neither an LTX-2 video VAE", error.Message);
    }

    private static string WeightsOf(string model) => Path.Combine(Ltx2VaeFixture.FolderOf(model), "diffusion_pytorch_model.safetensors");

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    /// <summary>Everything a configuration decides about the network, as text, so two configurations compare by value.</summary>
    private static string Describe(AutoencoderKLLTX2VideoConfig c) => string.Join("; ",
        $"latent {c.LatentChannels}", $"patch {c.PatchSize}x{c.PatchSizeT}", $"in {c.InChannels} out {c.OutChannels}",
        $"blocks [{string.Join(",", c.BlockOutChannels)}] layers [{string.Join(",", c.LayersPerBlock)}] down [{string.Join(",", c.DownsampleTypes)}]",
        $"decoder [{string.Join(",", c.DecoderBlockOutChannels)}] layers [{string.Join(",", c.DecoderLayersPerBlock)}] up [{string.Join(",", c.UpsampleTypes)}]",
        $"factors [{string.Join(",", c.UpsampleFactor)}] residual [{string.Join(",", c.UpsampleResidualValues)}]",
        $"timestep {c.TimestepConditioning}", $"causal {c.EncoderCausal}/{c.DecoderCausal}", $"padding {c.EncoderSpatialPaddingMode}/{c.DecoderSpatialPaddingMode}",
        $"compression {c.SpatialCompressionRatio}x{c.TemporalCompressionRatio}");
}
