using System.Text.Json.Nodes;
using Workflow.Imaging;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Loading;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>
/// CLIP vision against multiview-tiny/clip_vision: transformers' CLIPImageProcessor on the fixture's picture (every
/// preprocessing variant the manifest records) and CLIPVisionModelWithProjection on its pixels and on zeros.
/// </summary>
public sealed class ClipVisionParityTests : IDisposable
{
    private const string Goldens = "clip_vision/clip_goldens.safetensors";
    private readonly string _root = Directory.CreateTempSubdirectory("clip-vision-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Preprocessings =>
        Golden.Rows(MultiviewFixture.Name, () => MultiviewFixture.Section("clip_vision")["preprocessing"]!.AsObject().Select(p => p.Key), "(fixture absent)");

    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(Preprocessings))]
    public void Preprocessing_equals_clip_image_processor(string variant)
    {
        var settings = MultiviewFixture.Section("clip_vision")["preprocessing"]![variant]!;
        Assert.Equal(ClipImageProcessor.ImageMean, Floats(settings["image_mean"]));
        Assert.Equal(ClipImageProcessor.ImageStd, Floats(settings["image_std"]));
        Assert.Equal(1 / 255.0, (double)settings["rescale_factor"]!, 15);
        var processor = new ClipImageProcessor((int)settings["size"]!["shortest_edge"]!, (int)settings["crop_size"]!["height"]!, (int)settings["crop_size"]!["width"]!);
        using var golden = MultiviewFixture.Tensors(Goldens);
        using var scope = torch.NewDisposeScope();

        var picture = TestPicture();
        golden.AssertMatches("test_image_hwc_uint8", Tensor(picture));
        var resized = processor.Resize(picture);
        golden.AssertMatches($"{variant}_resized_uint8", Tensor(resized));
        var cropped = processor.CenterCrop(resized);
        golden.AssertMatches($"{variant}_cropped_uint8", Tensor(cropped));
        golden.AssertMatches($"{variant}_pixel_values", processor.Preprocess(picture).unsqueeze(0));
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void Vision_tower_matches_transformers()
    {
        using var golden = MultiviewFixture.Tensors(Goldens);
        using var model = ClipVisionCheckpoint.Load(ImageEncoderFolder);
        using var scope = torch.NewDisposeScope();
        var pixels = golden.Load("tiny_pixel_values");

        using var output = model.Forward(pixels);
        using var zeros = model.Forward(torch.zeros_like(pixels));

        golden.AssertMatches("image_embeds", output.ImageEmbeds);
        golden.AssertMatches("last_hidden_state", output.LastHiddenState);
        golden.AssertMatches("hidden_states", torch.stack([.. output.HiddenStates]));
        golden.AssertMatches("penultimate_hidden_states", output.HiddenStates[^2]);
        golden.AssertMatches("zero_image_image_embeds", zeros.ImageEmbeds);
        golden.AssertMatches("zero_image_penultimate_hidden_states", zeros.HiddenStates[^2]);
    }

    /// <summary>The node path: the picture as an IMAGE, through CLIPVisionEncode with the tower's own preprocessing.</summary>
    [GoldenFact(MultiviewFixture.Name)]
    public void Clip_vision_encode_node_gives_the_goldens()
    {
        using var golden = MultiviewFixture.Tensors(Goldens);
        using var clipVision = new ClipVision(ClipVisionCheckpoint.Load(ImageEncoderFolder));
        var tinySize = (int)MultiviewFixture.Section("clip_vision")["preprocessing"]!["tiny"]!["size"]!["shortest_edge"]!;
        Assert.Equal(tinySize, clipVision.Model.Config.ImageSize);
        using var image = new ImageBatch(ImageConversion.FromRaster(TestPicture()).unsqueeze(0));

        using var output = new ClipVisionEncode().Execute(clipVision, image);

        golden.AssertMatches("image_embeds", output.ImageEmbeds);
        golden.AssertMatches("last_hidden_state", output.LastHiddenState);
        golden.AssertMatches("penultimate_hidden_states", output.PenultimateHiddenStates);
        golden.AssertMatches("zero_image_penultimate_hidden_states", output.ZeroPixelsPenultimateHiddenStates);
    }

    /// <summary>
    /// The same tower written in OpenCLIP's layout (fused in_proj, transposed proj, under a checkpoint's prefix), and as a
    /// bare file without config.json, loads into the same model.
    /// </summary>
    [GoldenTheory(MultiviewFixture.Name)]
    [InlineData("visual.")]
    [InlineData("cond_stage_model.model.visual.")]
    public void OpenClip_layout_loads_the_same_tower(string prefix)
    {
        using var reference = ClipVisionCheckpoint.Load(ImageEncoderFolder);
        var path = Path.Combine(_root, "openclip.safetensors");
        using (var scope = torch.NewDisposeScope())
            SafeTensors.Save(path, InOpenClipLayout(reference.state_dict(), prefix, reference.Config.NumHiddenLayers));
        File.Copy(Path.Combine(ImageEncoderFolder, "config.json"), Path.ChangeExtension(path, ".json"));

        using var converted = ClipVisionCheckpoint.Load(path);

        foreach (var (key, tensor) in reference.state_dict())
            Assert.True(tensor.equal(converted.state_dict()[key]), $"{key} differs after the OpenCLIP round trip");
    }

    [Fact]
    public void Without_config_the_shapes_give_the_configuration()
    {
        // A tower 64 wide: one 64-wide head and GELU, as OpenCLIP's head width gives for widths it does not name.
        var config = new ClipVisionConfig { HiddenSize = 64, IntermediateSize = 96, ProjectionDim = 24, NumHiddenLayers = 2, NumAttentionHeads = 1, ImageSize = 32, PatchSize = 16, HiddenAct = "gelu" };
        var path = Path.Combine(_root, "bare.safetensors");
        using (var model = new ClipVisionModel(config))
            SafeTensors.Save(path, model.state_dict());

        using var loaded = ClipVisionCheckpoint.Load(path);

        Assert.Equal(config, loaded.Config);
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void Without_config_an_unknown_width_asks_for_one()
    {
        var path = Path.Combine(_root, "bare.safetensors");
        File.Copy(Path.Combine(ImageEncoderFolder, "model.safetensors"), path);
        var expected = ClipVisionConfig.FromJson(File.ReadAllText(Path.Combine(ImageEncoderFolder, "config.json")));

        var error = Assert.Throws<InvalidDataException>(() => ClipVisionCheckpoint.Load(path));
        Assert.Contains($"a CLIP vision tower {expected.HiddenSize} wide is not one of the public ones; put its config.json beside it", error.Message);
    }

    private static string ImageEncoderFolder => MultiviewFixture.File("ip_adapter/models/image_encoder");

    private static RasterImage TestPicture() => Png.Read(MultiviewFixture.File("clip_vision/test_image.png")).Image;

    private static Tensor Tensor(RasterImage image) => torch.tensor<byte>(image.Pixels, [image.Height, image.Width, image.Channels]);

    private static float[] Floats(JsonNode? node) => [.. node!.AsArray().Select(v => (float)v!)];

    /// <summary>OpenCLIP's names for transformers' keys: the inverse of the loader's renaming, written out independently.</summary>
    private static Dictionary<string, Tensor> InOpenClipLayout(IReadOnlyDictionary<string, Tensor> state, string prefix, int layers)
    {
        var open = new Dictionary<string, Tensor>
        {
            [prefix + "conv1.weight"] = state["vision_model.embeddings.patch_embedding.weight"],
            [prefix + "class_embedding"] = state["vision_model.embeddings.class_embedding"],
            [prefix + "positional_embedding"] = state["vision_model.embeddings.position_embedding.weight"],
            [prefix + "ln_pre.weight"] = state["vision_model.pre_layrnorm.weight"],
            [prefix + "ln_pre.bias"] = state["vision_model.pre_layrnorm.bias"],
            [prefix + "ln_post.weight"] = state["vision_model.post_layernorm.weight"],
            [prefix + "ln_post.bias"] = state["vision_model.post_layernorm.bias"],
            [prefix + "proj"] = state["visual_projection.weight"].t().contiguous(),
        };
        OpenClipLayout.AddBlocks(open, state, "vision_model.encoder.layers.", prefix, layers);
        return open;
    }
}
