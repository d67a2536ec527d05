using System.Collections.Immutable;
using Workflow.Nodes.Diffusion.Models;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// ComfyUI's MODEL: the denoising network with what sampling needs to know (its noise schedule or flow sampling, and
/// latent format), and the patches layered on it (IP-Adapter, LoRA). Like ComfyUI's ModelPatcher, patching gives a new MODEL
/// that shares the network's weights; the MODEL it came from runs as before. The weights are freed when the last MODEL
/// sharing them is disposed. A patched MODEL's memory footprint is its patches': the shared network is counted where it was loaded.
/// </summary>
[SocketType("MODEL")]
public sealed class DiffusionModel : IDisposable, IMemoryFootprint, IDeviceModel
{
    private readonly SharedDisposable<IDenoisingNetwork> _network;
    private readonly ImmutableArray<SharedDisposable<IModelPatch>> _patches;
    private readonly DdimSchedulerConfig? _schedule;
    private readonly IModelSampling? _sampling;
    private ModelSamplingDiscrete? _discrete;
    private int _disposed;

    public DiffusionModel(IDenoisingNetwork network, DdimSchedulerConfig schedule, LatentFormat latentFormat)
        : this(new SharedDisposable<IDenoisingNetwork>(network), schedule, null, latentFormat, [])
    {
    }

    /// <summary>A flow-matching model (SD3): no discrete noise schedule, sampled along <paramref name="flow"/>.</summary>
    public DiffusionModel(IDenoisingNetwork network, ModelSamplingDiscreteFlow flow, LatentFormat latentFormat)
        : this(new SharedDisposable<IDenoisingNetwork>(network), null, flow, latentFormat, [])
    {
    }

    /// <param name="network">A lease this MODEL holds (and releases).</param>
    /// <param name="patches">Leases this MODEL holds (and releases).</param>
    private DiffusionModel(SharedDisposable<IDenoisingNetwork> network, DdimSchedulerConfig? schedule, IModelSampling? sampling, LatentFormat latentFormat,
        ImmutableArray<SharedDisposable<IModelPatch>> patches)
    {
        _network = network;
        (_schedule, _sampling) = (schedule, sampling);
        LatentFormat = latentFormat;
        _patches = patches;
        Patches = [.. patches.Select(p => p.Value)];
        WeightDeltas = [.. Patches.OfType<IWeightPatch>().SelectMany(p => p.Deltas)];
    }

    public IDenoisingNetwork Network => _network.Value;

    /// <summary>The training noise schedule (betas, prediction type) from the checkpoint's scheduler config; flow-matching models have none.</summary>
    public DdimSchedulerConfig Schedule => _schedule
        ?? throw new NotSupportedException("This MODEL is sampled by flow matching (SD3): it has no discrete noise schedule; sample it with KSampler or FlowEulerSample.");

    /// <summary>
    /// ComfyUI's model_sampling: as set (flow matching with a shift for SD3 or by ModelSamplingSD3; ModelSamplingDiscrete's
    /// choice), else discrete with <see cref="Schedule"/>'s betas and prediction type (ε or v).
    /// </summary>
    public IModelSampling Sampling => _sampling ?? (_discrete ??= new ModelSamplingDiscrete(Schedule));

    public LatentFormat LatentFormat { get; }

    /// <summary>The patches in the order they were applied.</summary>
    public ImmutableArray<IModelPatch> Patches { get; }

    public Device Device => ModuleMemory.DeviceOf(Network.Module);

    /// <summary>The network, shared with the MODELs patched from this one.</summary>
    public IReadOnlyList<Module> WeightModules => [Network.Module];

    public long HostBytes => Patches.IsEmpty ? ModuleMemory.HostBytes(Network.Module) : Patches.Sum(p => p.HostBytes);

    public long DeviceBytes => Patches.IsEmpty ? ModuleMemory.DeviceBytes(Network.Module) : Patches.Sum(p => p.DeviceBytes);

    /// <summary>A MODEL with <paramref name="patch"/> (which it then owns) added, sharing this one's network and patches; this one is unchanged.</summary>
    public DiffusionModel WithPatch(IModelPatch patch) =>
        new(_network.Lease(), _schedule, _sampling, LatentFormat, [.. _patches.Select(p => p.Lease()), new SharedDisposable<IModelPatch>(patch)]);

    /// <summary>The same network and patches under another noise schedule.</summary>
    public DiffusionModel WithSchedule(DdimSchedulerConfig schedule) => new(_network.Lease(), schedule, null, LatentFormat, [.. _patches.Select(p => p.Lease())]);

    /// <summary>The same network and patches sampled along <paramref name="sampling"/> (ComfyUI's ModelSamplingSD3 and ModelSamplingDiscrete).</summary>
    public DiffusionModel WithSampling(IModelSampling sampling) => new(_network.Lease(), _schedule, sampling, LatentFormat, [.. _patches.Select(p => p.Lease())]);

    /// <summary>The weight changes of the patches (LoRAs), in the order they were applied.</summary>
    public IReadOnlyList<WeightDelta> WeightDeltas { get; }

    /// <summary>
    /// One network evaluation with the patches applied for <paramref name="call"/> (attention patches need one; weight
    /// patches always apply). The inputs are cast to the weights' dtype and the prediction comes back in float32, as
    /// ComfyUI's apply_model does, so samplers step in float32 at every precision.
    /// </summary>
    public Tensor Forward(Tensor sample, Tensor timestep, Tensor context, UNetCall? call = null) =>
        Forward(sample, timestep, context, pooled: null, call);

    /// <summary>As <see cref="Forward(Tensor, Tensor, Tensor, UNetCall?)"/>, with the prompts' pooled outputs for networks that take them (SD3); others ignore them.</summary>
    public Tensor Forward(Tensor sample, Tensor timestep, Tensor context, Tensor? pooled, UNetCall? call = null)
    {
        using var scope = torch.NewDisposeScope();
        using var weights = PatchedWeights.Apply(Network.Module, WeightDeltas);
        var dtype = Dtype;
        var (x, c) = (sample.to(dtype), context.to(dtype));
        var prediction = pooled is not null && Network is IPooledTextNetwork pooledNetwork
            ? pooledNetwork.Forward(x, timestep, c, pooled.to(dtype), Attention(call))
            : Network.Forward(x, timestep, c, Attention(call));
        return prediction.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>The dtype the network computes in (its weights').</summary>
    public ScalarType Dtype => ModuleMemory.DtypeOf(Network.Module);

    private PatchedCall? Attention(UNetCall? call) => call is null || Patches.IsEmpty ? null : new PatchedCall(Network.CrossAttentionLayers, Patches, call);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        foreach (var patch in _patches)
            patch.Release();
        _network.Release();
    }
}
