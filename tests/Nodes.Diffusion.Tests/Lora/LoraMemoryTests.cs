using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Lora;

/// <summary>Two LoraLoader nodes at different strengths on one checkpoint hold its weights once: each adds only its LoRA's factors.</summary>
[Collection(LiveMemory.Name)]
public sealed class LoraMemoryTests : IDisposable
{
    private readonly TemporaryBase _base = new("lora-memory-");

    public void Dispose() => _base.Dispose();

    [Fact]
    public void Two_loaders_at_different_strengths_share_one_copy_of_the_base_weights()
    {
        var checkpoint = RandomCheckpoint.Create(RandomModelPreset.Sd15Tiny, seed: 5);
        using var model = checkpoint.Model;
        using var clip = (ClipModel)checkpoint.Clip;
        checkpoint.Vae.Dispose();
        using var generator = new Generator(1);
        var network = model.Network.Module;
        var layers = network.named_modules().Where(m => m.Module is Torch.Modules.Linear && m.Name.Contains("attn", StringComparison.Ordinal))
            .Select(m => TestLoras.Layer(network, m.Name, textEncoder: false, rank: 4, alpha: 4, generator)).ToList();
        TestLoras.Write(Path.Combine(_base.Paths.Models, "loras", "style.safetensors"), LoraLayout.Kohya, layers);
        var loraBytes = layers.Sum(l => (l.Up.numel() + l.Down.numel()) * sizeof(float));
        layers.ForEach(l => { l.Up.Dispose(); l.Down.Dispose(); });
        var baseWeights = network.state_dict().ToDictionary(p => p.Key, p => p.Value);

        var before = LiveBytes();
        var half = new LoraLoader().Execute(new TestNodeContext(_base.Paths), model, clip, "style.safetensors", 0.5, 1.0);
        var full = new LoraLoader().Execute(new TestNodeContext(_base.Paths), model, clip, "style.safetensors", 1.0, 1.0);
        var added = LiveBytes() - before;

        Assert.Same(model.Network, half.Model.Network);
        Assert.Same(model.Network, full.Model.Network);
        Assert.Same(clip.Encoder, ((ClipModel)half.Clip).Encoder);
        foreach (var (key, tensor) in network.state_dict())
            Assert.Same(baseWeights[key], tensor);
        Assert.Equal(2 * loraBytes, added);
        Assert.Equal(loraBytes, half.Model.HostBytes);
        Assert.True(added < model.HostBytes / 4, $"two LoRA models added {added} bytes beside a {model.HostBytes}-byte UNet");

        half.Model.Dispose();
        half.Clip.Dispose();
        full.Model.Dispose();
        full.Clip.Dispose();
        Assert.Equal(before, LiveBytes());
    }

    private static long LiveBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return torch.cpu.memory_allocated();
    }
}
