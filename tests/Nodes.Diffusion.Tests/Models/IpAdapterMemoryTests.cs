using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>Tests that count the tensor library's live bytes run alone: no other test allocates meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveMemory
{
    public const string Name = "Live memory";

    /// <summary>Bytes of CPU tensors alive now, after the collector has run every pending finaliser.</summary>
    public static long Bytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return torch.cpu.memory_allocated();
    }
}

/// <summary>Patching shares the UNet: two IPAdapter nodes on one model add their image tokens, not a copy of the weights.</summary>
[Collection(LiveMemory.Name)]
public sealed class IpAdapterMemoryTests
{
    [GoldenFact(MultiviewFixture.Name)]
    public void Two_adapters_on_one_model_share_its_weights_and_leave_it_unchanged()
    {
        using var golden = MultiviewFixture.Tensors("ip_adapter/ip_goldens.safetensors");
        using var features = new ClipVisionOutput(golden.Load("base_image_embeds")[1].clone(), torch.zeros([1]), torch.zeros([1]), torch.zeros([1]));
        using var ipadapter = new IpAdapter(IpAdapterCheckpoint.Load(MultiviewFixture.File("ip_adapter/models/ip-adapter_sd15-tiny.safetensors")));
        var (sample, timestep, context) = (golden.Load("sample"), golden.Load("timestep"), golden.Load("encoder_hidden_states"));

        var before = LiveBytes();
        using var model = new DiffusionModel(new DiffusersFolder(MultiviewFixture.File("ip_adapter")).LoadUnet(), DdimSchedulerConfig.StableDiffusion1, LatentFormat.StableDiffusion1);
        var unetBytes = LiveBytes() - before;
        using var plainBefore = model.Forward(sample, timestep, context);
        var withOutput = LiveBytes();
        using var half = new IpAdapterApply().Execute(model, ipadapter, features, weight: 0.5);
        using var full = new IpAdapterApply().Execute(model, ipadapter, features, weight: 1.0);
        var patchesBytes = LiveBytes() - withOutput;

        // The UNet's float32 weights are views of its mapped float32 file: loading allocates at most their size.
        Assert.InRange(unetBytes, 0, model.HostBytes);
        Assert.True(patchesBytes < model.HostBytes / 20, $"two patched models allocated {patchesBytes} bytes beside a {model.HostBytes}-byte UNet: a copy of its weights?");
        Assert.Equal(half.HostBytes + full.HostBytes, patchesBytes);

        var call = new UNetCall([true, false], new ModelSamplingDiscrete(model.Schedule).Sigma(timestep.item<long>()));
        using var halfOutput = half.Forward(sample, timestep, context, call);
        using var fullOutput = full.Forward(sample, timestep, context, call);
        using var plainAfter = model.Forward(sample, timestep, context, call);
        Assert.False(halfOutput.equal(fullOutput), "the two weights gave the same output");
        Assert.False(halfOutput.equal(plainAfter), "the patched model gave the plain output");
        Assert.True(plainAfter.equal(plainBefore), "the original MODEL's output changed after the patched ones ran");
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void Weights_live_until_the_last_model_sharing_them_is_disposed()
    {
        using var golden = MultiviewFixture.Tensors("ip_adapter/ip_goldens.safetensors");
        using var features = new ClipVisionOutput(golden.Load("base_image_embeds")[1].clone(), torch.zeros([1]), torch.zeros([1]), torch.zeros([1]));
        var (sample, timestep, context) = (golden.Load("sample"), golden.Load("timestep"), golden.Load("encoder_hidden_states"));
        var before = LiveBytes();
        var model = new DiffusionModel(new DiffusersFolder(MultiviewFixture.File("ip_adapter")).LoadUnet(), DdimSchedulerConfig.StableDiffusion1, LatentFormat.StableDiffusion1);
        var ipadapter = new IpAdapter(IpAdapterCheckpoint.Load(MultiviewFixture.File("ip_adapter/models/ip-adapter_sd15-tiny.safetensors")));
        var patched = new IpAdapterApply().Execute(model, ipadapter, features);

        // The cache may evict the loader's outputs first: the patched MODEL still runs on their weights.
        model.Dispose();
        ipadapter.Dispose();
        using (patched.Forward(sample, timestep, context, new UNetCall([true, false], 1.0)))
            Assert.True(LiveBytes() > before);

        patched.Dispose();
        Assert.Equal(before, LiveBytes());
    }

    private static long LiveBytes() => LiveMemory.Bytes();
}
