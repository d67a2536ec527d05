using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.Lora;

/// <summary>The key layouts LoRA files come in.</summary>
public enum LoraLayout
{
    /// <summary>kohya sd-scripts / A1111: lora_unet_&lt;path_with_underscores&gt;.lora_up.weight, .lora_down.weight, .alpha.</summary>
    Kohya,

    /// <summary>PEFT as diffusers saves it: unet.&lt;path&gt;.lora_B.weight, .lora_A.weight (no alpha: alpha = rank).</summary>
    Peft,

    /// <summary>diffusers' LoRA-compatible layers: unet.&lt;path&gt;.lora.up.weight, .lora.down.weight.</summary>
    Diffusers,
}

/// <summary>One layer of a LoRA a test writes: which weight it targets and its factors.</summary>
public sealed record TestLoraLayer(bool TextEncoder, string ModulePath, Tensor Up, Tensor Down, double? Alpha)
{
    public string WeightKey => ModulePath + ".weight";

    /// <summary>The change to the weight at <paramref name="strength"/>: strength × up·down × alpha/rank, computed here from the definition.</summary>
    public Tensor Delta(double strength, long[] weightShape)
    {
        long rank = Down.shape[0];
        double scale = strength * (Alpha ?? rank) / rank;
        return Up.flatten(1).mm(Down.flatten(1)).reshape(weightShape) * scale;
    }
}

/// <summary>Writes LoRA files in each layout, with seeded random factors for chosen layers of a network or text encoder.</summary>
public static class TestLoras
{
    /// <summary>A layer for module <paramref name="path"/> of <paramref name="module"/>: a linear LoRA, or a LoCon (k×k down, 1×1 up) for a convolution.</summary>
    public static TestLoraLayer Layer(Module module, string path, bool textEncoder, int rank, double? alpha, Generator generator)
    {
        var weight = module.state_dict()[path + ".weight"].shape;
        long[] downShape = weight.Length == 4 ? [rank, weight[1], weight[2], weight[3]] : [rank, weight[1]];
        long[] upShape = weight.Length == 4 ? [weight[0], rank, 1, 1] : [weight[0], rank];
        return new TestLoraLayer(textEncoder, path, torch.randn(upShape, generator) * 0.1, torch.randn(downShape, generator) * 0.1, alpha);
    }

    public static void Write(string path, LoraLayout layout, IEnumerable<TestLoraLayer> layers, IReadOnlyDictionary<string, Tensor>? extra = null)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var owned = new List<Tensor>();
        foreach (var layer in layers)
        {
            var name = Name(layout, layer);
            var (up, down) = layout switch
            {
                LoraLayout.Kohya => (".lora_up.weight", ".lora_down.weight"),
                LoraLayout.Peft => (".lora_B.weight", ".lora_A.weight"),
                _ => (".lora.up.weight", ".lora.down.weight"),
            };
            tensors[name + up] = layer.Up;
            tensors[name + down] = layer.Down;
            if (layer.Alpha is double alpha)
                owned.Add(tensors[name + ".alpha"] = torch.tensor<float>([(float)alpha], []));
        }
        foreach (var (key, tensor) in extra ?? new Dictionary<string, Tensor>())
            tensors[key] = tensor;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        SafeTensors.Save(path, tensors);
        owned.ForEach(t => t.Dispose());
    }

    /// <summary>The layer's name in <paramref name="layout"/>.</summary>
    public static string Name(LoraLayout layout, TestLoraLayer layer) => layout == LoraLayout.Kohya
        ? (layer.TextEncoder ? "lora_te_" : "lora_unet_") + layer.ModulePath.Replace('.', '_')
        : (layer.TextEncoder ? "text_encoder." : "unet.") + layer.ModulePath;
}
