using Workflow.Nodes.Diffusion.Models.IpAdapter;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// IPADAPTER (ComfyUI_IPAdapter_plus' type): loaded adapter weights. MODELs patched with it share the weights, which
/// are freed when the last of them and this value are disposed.
/// </summary>
[SocketType("IPADAPTER")]
public sealed class IpAdapter(IpAdapterModel model) : IDisposable, IMemoryFootprint, IDeviceModel
{
    private readonly SharedDisposable<IpAdapterModel> _model = new(model);
    private int _disposed;

    public IpAdapterModel Model => _model.Value;

    public Device Device => ModuleMemory.DeviceOf(Model);

    public IReadOnlyList<Module> WeightModules => [Model];

    public ScalarType Dtype => ModuleMemory.DtypeOf(Model);

    public long HostBytes => ModuleMemory.HostBytes(Model);

    public long DeviceBytes => ModuleMemory.DeviceBytes(Model);

    /// <summary>A hold on the weights for a patch that outlives this value.</summary>
    public SharedDisposable<IpAdapterModel> Lease() => _model.Lease();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _model.Release();
    }
}
