using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// ComfyUI's VAE socket: a closed family of two, Stable Diffusion's image VAE (<see cref="ImageVae"/>, LATENT
/// [B, C, H/8, W/8]) and LTX-2's video VAE (<see cref="VideoVae"/>, LATENT [B, C, T, H/32, W/32]). VAEEncode and
/// VAEDecode accept either and check that the latent's shape is the one their VAE makes.
/// </summary>
[SocketType("VAE")]
public abstract class VaeModel : IDisposable, IMemoryFootprint, IDeviceModel
{
    private readonly Module _module;

    private protected VaeModel(Module module) => _module = module;

    /// <summary>What a user calls this kind in an error ("an image VAE (Stable Diffusion)").</summary>
    public abstract string KindName { get; }

    public Device Device => ModuleMemory.DeviceOf(_module);

    public IReadOnlyList<Module> WeightModules => [_module];

    /// <summary>The dtype it computes in.</summary>
    public ScalarType Dtype => ModuleMemory.DtypeOf(_module);

    /// <summary>
    /// Moves every weight to <paramref name="device"/> in the dtype this VAE computes in when <paramref name="dtype"/>
    /// is asked for (in place; the CPU copies are freed).
    /// </summary>
    public VaeModel To(Device device, ScalarType dtype)
    {
        _module.to(device, ComputeDtype(dtype));
        return this;
    }

    /// <summary>The dtype to compute in when <paramref name="requested"/> is asked for: the same, unless it would overflow.</summary>
    protected virtual ScalarType ComputeDtype(ScalarType requested) => requested;

    public long HostBytes => ModuleMemory.HostBytes(_module);

    public long DeviceBytes => ModuleMemory.DeviceBytes(_module);

    public void Dispose() => _module.Dispose();
}
