using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Host.Memory;
using Workflow.NodeSdk;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>
/// The device memory budget on a real GPU: with room for one of two 64 MiB models beside the inference reserve, using
/// one moves the other to the CPU, and weights that come back compute what they did before.
/// </summary>
public sealed class ModelPlacementCudaTests
{
    [CudaFact]
    public void Models_take_turns_on_the_device_and_come_back_intact()
    {
        long budgetMegabytes = (ModelMemoryBudget.DefaultInferenceBytes >> 20) + 100;   // one 64 MiB model fits, two do not
        var placement = ModelPlacement.On(() => Device.CUDA(0), budgetMegabytes, NullLogger<ModelMemory>.Instance);
        using var first = new SquareModel(seed: 1);
        using var second = new SquareModel(seed: 2);
        using var input = torch.randn([8, SquareModel.Width], new Generator(3));
        using var expected = first.Linear.Forward(input);

        using (placement.Use([first]))
            Assert.Equal(DeviceType.CUDA, first.Device);
        using (placement.Use([second]))
        {
            Assert.Equal(DeviceType.CUDA, second.Device);
            Assert.Equal(DeviceType.CPU, first.Device);
        }
        using (placement.Use([first]))
        {
            Assert.Equal(DeviceType.CPU, second.Device);
            using var cudaInput = input.to(Device.CUDA(0));
            using var output = first.Linear.Forward(cudaInput);
            using var back = output.cpu();
            Assert.True(back.allclose(expected, rtol: 1e-3, atol: 1e-3), "the weights changed on their way out and back");
        }
    }

    /// <summary>A 64 MiB float32 linear layer with seeded weights, as a value the host places.</summary>
    private sealed class SquareModel : IDeviceModel, IDisposable
    {
        public const int Width = 4096;

        public SquareModel(long seed)
        {
            using var generator = new Generator(seed);
            Workflow.Nodes.Diffusion.Loading.RandomWeights.Fill(Linear, generator);
        }

        public Linear Linear { get; } = new(Width, Width, bias: false);

        public DeviceType Device => Linear.named_parameters().First().Tensor.device.Type;

        public IReadOnlyList<Module> WeightModules => [Linear];

        public void Dispose() => Linear.Dispose();
    }
}
