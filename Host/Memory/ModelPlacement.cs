using System.Collections;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Host.Memory;

/// <summary>
/// Connects node values to <see cref="ModelMemory"/>: the <see cref="IDeviceModel"/> values among a node's arguments
/// are put on the device for its run, those among its outputs are counted once it returns. The manager is made when a
/// model first shows up (so workflows without models never load libtorch) and only for a CUDA device: on the CPU
/// nothing is tracked and nothing moves.
/// </summary>
public sealed class ModelPlacement
{
    private readonly Lazy<(ModelMemory Memory, Device Device)?> _manager;
    private readonly ConditionalWeakTable<Module, ModuleWeights> _weights = new();

    /// <param name="create">The manager for the models' device, or null where models run on the CPU.</param>
    public ModelPlacement(Func<(ModelMemory Memory, Device Device)?> create) => _manager = new(create);

    /// <summary>
    /// Placement for models on <paramref name="device"/> (asked for when the first model shows up): a manager with a
    /// budget of <paramref name="vramMegabytes"/> (default: the card less ComfyUI's reserve) on CUDA, none on the CPU.
    /// </summary>
    public static ModelPlacement On(Func<Device> device, long? vramMegabytes, ILogger<ModelMemory> logger) => new(() =>
    {
        var on = device();
        if (on.Type != DeviceType.CUDA)
            return null;
        var memory = new CudaMemory(on.ResolvedIndex);
        var budget = ModelMemoryBudget.For(memory.Read().Total, vramMegabytes);
        return (new ModelMemory(memory, budget, logger), on);
    });

    /// <summary>The manager, once a model has been seen on a CUDA device.</summary>
    public ModelMemory? Memory => _manager.IsValueCreated ? _manager.Value?.Memory : null;

    /// <summary>Puts the models among <paramref name="arguments"/> on the device until the returned lease is disposed.</summary>
    public IDisposable Use(IReadOnlyList<object?> arguments) =>
        ManagerFor(arguments) is { } manager ? manager.Memory.Use(WeightsIn(arguments, manager.Device)) : ModelMemory.NoLease;

    /// <summary>Counts the models among a node's <paramref name="outputs"/> (a loader's, on the device already).</summary>
    public void Adopt(IReadOnlyList<object?> outputs)
    {
        if (ManagerFor(outputs) is { } manager)
            manager.Memory.Adopt(WeightsIn(outputs, manager.Device));
    }

    private (ModelMemory Memory, Device Device)? ManagerFor(IReadOnlyList<object?> values) =>
        values.Any(v => ModelsIn(v).Any()) ? _manager.Value : null;

    private List<IOffloadable> WeightsIn(IReadOnlyList<object?> values, Device device) =>
        [.. values.SelectMany(ModelsIn).SelectMany(m => m.WeightModules).Distinct(ReferenceEqualityComparer.Instance).Cast<Module>()
            .Select(module => _weights.GetValue(module, m => new ModuleWeights(m, device)))];

    /// <summary>A value, or the elements of a list input, that hold weights.</summary>
    private static IEnumerable<IDeviceModel> ModelsIn(object? value) => value switch
    {
        IDeviceModel model => [model],
        IEnumerable list and not string => list.OfType<IDeviceModel>(),
        _ => [],
    };
}
