using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Host.Memory;

/// <summary>A module's weights (parameters and buffers) as one unit <see cref="ModelMemory"/> moves, in place, so the model's fields stay valid.</summary>
internal sealed class ModuleWeights(Module module, Device device) : IOffloadable
{
    public Module Module => module;

    public long Bytes => Tensors().Sum(t => t.IsDisposed ? 0 : t.numel() * t.dtype.ElementSize());

    public bool OnDevice => Tensors().FirstOrDefault() is { IsDisposed: false } first && first.device.Type == device.Type;

    public bool IsAlive => Tensors().FirstOrDefault() is { IsDisposed: false };

    public void MoveToDevice() => module.to(device);

    public void MoveToHost() => module.to(Device.CPU);

    private IEnumerable<Tensor> Tensors() => module.named_parameters().Concat(module.named_buffers()).Select(p => p.Tensor);
}
