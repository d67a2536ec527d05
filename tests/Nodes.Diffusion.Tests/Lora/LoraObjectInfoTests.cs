using System.Text.Json.Nodes;
using Workflow.Host.Registry;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Lora;

/// <summary>/object_info lists the model patching nodes with ComfyUI's names, input names, types, defaults and ranges.</summary>
public sealed class LoraObjectInfoTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(LoraLoader).Assembly]);

    public void Dispose() => _test.Dispose();

    [Fact]
    public void LoraLoader_has_ComfyUIs_inputs_and_outputs()
    {
        var info = Info("LoraLoader");

        Assert.Equal(["model", "clip", "lora_name", "strength_model", "strength_clip"], Names(info["input"]!["required"]!));
        Assert.Equal("MODEL", (string)info["input"]!["required"]!["model"]![0]!);
        Assert.Equal("CLIP", (string)info["input"]!["required"]!["clip"]![0]!);
        Assert.IsType<JsonArray>(info["input"]!["required"]!["lora_name"]![0]);
        AssertStrength(info["input"]!["required"]!["strength_model"]!, "How strongly to modify the diffusion model. This value can be negative.");
        AssertStrength(info["input"]!["required"]!["strength_clip"]!, "How strongly to modify the CLIP model. This value can be negative.");
        Assert.Equal(["MODEL", "CLIP"], info["output"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(("Load LoRA", "loaders"), ((string)info["display_name"]!, (string)info["category"]!));
    }

    [Fact]
    public void LoraLoaderModelOnly_has_ComfyUIs_inputs_and_output()
    {
        var info = Info("LoraLoaderModelOnly");

        Assert.Equal(["model", "lora_name", "strength_model"], Names(info["input"]!["required"]!));
        AssertStrength(info["input"]!["required"]!["strength_model"]!, "How strongly to modify the diffusion model. This value can be negative.");
        Assert.Equal(["MODEL"], info["output"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void CLIPSetLastLayer_has_ComfyUIs_input_and_range()
    {
        var info = Info("CLIPSetLastLayer");

        Assert.Equal(["clip", "stop_at_clip_layer"], Names(info["input"]!["required"]!));
        var layer = info["input"]!["required"]!["stop_at_clip_layer"]!;
        Assert.Equal("INT", (string)layer[0]!);
        Assert.Equal(["-1", "-24", "-1", "1"], new[] { "default", "min", "max", "step" }.Select(k => layer[1]![k]!.ToJsonString()));
        Assert.Equal(["CLIP"], info["output"]!.AsArray().Select(n => (string)n!));
    }

    private JsonNode Info(string name)
    {
        Assert.True(_test.Engine.Registry.TryGet(name, out var definition), $"{name} is not registered");
        return ObjectInfo.ForNode(definition, name, _test.Engine.Paths);
    }

    private static IEnumerable<string> Names(JsonNode inputs) => inputs.AsObject().Select(p => p.Key);

    private static void AssertStrength(JsonNode input, string tooltip)
    {
        Assert.Equal("FLOAT", (string)input[0]!);
        var options = input[1]!;
        Assert.Equal((1.0, -100.0, 100.0, 0.01), ((double)options["default"]!, (double)options["min"]!, (double)options["max"]!, (double)options["step"]!));
        Assert.Equal(tooltip, (string)options["tooltip"]!);
    }
}
