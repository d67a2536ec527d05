using Workflow.Host.Registry;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Nodes;

/// <summary>/object_info lists the latent, image and output nodes with ComfyUI's input names, types, defaults and bounds (nodes.py, comfy_extras/nodes_images.py, nodes_latent.py, websocket_image_save.py).</summary>
public sealed class LatentImageSchemaTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(LatentComposite).Assembly, typeof(SaveImage).Assembly]);

    public void Dispose() => _test.Dispose();

    /// <summary>Each node's required inputs as ComfyUI declares them: a socket type, or INT/FLOAT with default, min, max (and step where it is not 1).</summary>
    public static TheoryData<string, string> Required => new()
    {
        { "LatentComposite", """{"samples_to": ["LATENT"], "samples_from": ["LATENT"], "x": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}], "y": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}], "feather": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}]}""" },
        { "LatentBatch", """{"samples1": ["LATENT"], "samples2": ["LATENT"]}""" },
        { "RepeatLatentBatch", """{"samples": ["LATENT"], "amount": ["INT", {"default": 1, "min": 1, "max": 64}]}""" },
        { "LatentFromBatch", """{"samples": ["LATENT"], "batch_index": ["INT", {"default": 0, "min": -16384, "max": 16384}], "length": ["INT", {"default": 1, "min": 1, "max": 64}]}""" },
        { "SetLatentNoiseMask", """{"samples": ["LATENT"], "mask": ["MASK"]}""" },
        { "VAEEncodeForInpaint", """{"pixels": ["IMAGE"], "vae": ["VAE"], "mask": ["MASK"], "grow_mask_by": ["INT", {"default": 6, "min": 0, "max": 64}]}""" },
        { "ImageScaleBy", """{"image": ["IMAGE"], "upscale_method": [["nearest-exact", "bilinear", "area", "bicubic"]], "scale_by": ["FLOAT", {"default": 1.0, "min": 0.01, "max": 8.0, "step": 0.01}]}""" },
        { "ImageInvert", """{"image": ["IMAGE"]}""" },
        { "ImageBatch", """{"image1": ["IMAGE"], "image2": ["IMAGE"]}""" },
        { "ImageCrop", """{"image": ["IMAGE"], "width": ["INT", {"default": 512, "min": 1, "max": 16384}], "height": ["INT", {"default": 512, "min": 1, "max": 16384}], "x": ["INT", {"default": 0, "min": 0, "max": 16384}], "y": ["INT", {"default": 0, "min": 0, "max": 16384}]}""" },
        { "ImagePadForOutpaint", """{"image": ["IMAGE"], "left": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}], "top": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}], "right": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}], "bottom": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}], "feathering": ["INT", {"default": 40, "min": 0, "max": 16384}]}""" },
        { "EmptyImage", """{"width": ["INT", {"default": 512, "min": 1, "max": 16384}], "height": ["INT", {"default": 512, "min": 1, "max": 16384}], "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}], "color": ["INT", {"default": 0, "min": 0, "max": 16777215}]}""" },
        { "PreviewImage", """{"images": ["IMAGE"]}""" },
        { "SaveImageWebsocket", """{"images": ["IMAGE"]}""" },
    };

    [Theory]
    [MemberData(nameof(Required))]
    public void Object_info_gives_ComfyUIs_inputs(string node, string expectedJson)
    {
        Assert.True(_test.Engine.Registry.TryGet(node, out var definition), $"{node} is not registered");
        var required = ObjectInfo.ForNode(definition, node, _test.Engine.Paths)["input"]!["required"]!.AsObject();
        var expected = System.Text.Json.Nodes.JsonNode.Parse(expectedJson)!.AsObject();

        Assert.Equal(expected.Select(p => p.Key), required.Select(p => p.Key));
        foreach (var (name, spec) in expected)
        {
            var actual = required[name]!.AsArray();
            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(spec![0], actual[0]), $"{node}.{name}: type {actual[0]!.ToJsonString()}");
            if (spec.AsArray().Count > 1)
                foreach (var (key, value) in spec[1]!.AsObject())
                    Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(value, actual[1]![key]), $"{node}.{name}.{key}: {actual[1]![key]?.ToJsonString()}");
        }
    }

    [Fact]
    public void Outputs_are_ComfyUIs()
    {
        string Outputs(string node)
        {
            Assert.True(_test.Engine.Registry.TryGet(node, out var definition));
            return ObjectInfo.ForNode(definition, node, _test.Engine.Paths)["output"]!.ToJsonString();
        }
        Assert.Equal("""["IMAGE","MASK"]""", Outputs("ImagePadForOutpaint"));
        Assert.Equal("[]", Outputs("SaveImageWebsocket"));
        Assert.Equal("[]", Outputs("PreviewImage"));
        Assert.Equal("""["LATENT"]""", Outputs("VAEEncodeForInpaint"));
    }
}
