namespace Workflow.NodeSdk;

/// <summary>
/// Memory a value holds, so the output cache can stay within its budgets (host RAM and device memory apart).
/// Values that also implement <see cref="IDisposable"/> are disposed when the cache drops them and no
/// running prompt still uses them; a value must therefore own what it disposes.
/// </summary>
public interface IMemoryFootprint
{
    long HostBytes { get; }
    long DeviceBytes { get; }
}
