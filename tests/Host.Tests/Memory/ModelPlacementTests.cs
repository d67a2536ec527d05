using Workflow.Host.Memory;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Host.Tests.Memory;

/// <summary>On the CPU the memory manager costs nothing and changes nothing; only values holding weights ask for the device.</summary>
public sealed class ModelPlacementTests
{
    [Fact]
    public void Values_without_weights_never_ask_where_models_run()
    {
        int asked = 0;
        var placement = ModelPlacement.On(() => { asked++; return Device.CPU; }, vramMegabytes: null, new WarningLog());
        using (placement.Use(["a prompt", 3, new[] { "a", "list" }, null]))
            placement.Adopt(["an output"]);
        Assert.Equal(0, asked);
    }

    [Fact]
    public void On_the_cpu_models_are_neither_tracked_nor_moved()
    {
        var placement = ModelPlacement.On(() => Device.CPU, vramMegabytes: 1, new WarningLog());
        using var model = new TinyModel();
        using (placement.Use([model]))
            placement.Adopt([new[] { model }]);
        Assert.Null(placement.Memory);
        Assert.All(model.Linear.named_parameters(), p => Assert.Equal(Device.CPU, p.Tensor.device));
    }

    private sealed class TinyModel : IDeviceModel, IDisposable
    {
        public Linear Linear { get; } = new(4, 4);

        public IReadOnlyList<Module> WeightModules => [Linear];

        public void Dispose() => Linear.Dispose();
    }
}
