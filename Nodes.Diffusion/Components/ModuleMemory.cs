using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>Where a module's weights live, and the bytes they take there (for the cache's budgets).</summary>
internal static class ModuleMemory
{
    /// <summary>The device of the first parameter: loaders move a whole model at once.</summary>
    public static Device DeviceOf(Module module) => module.named_parameters().Select(p => p.Tensor.device).FirstOrDefault(Device.CPU);

    /// <summary>The dtype of the first floating-point parameter, which the model computes in: loaders convert a whole model at once.</summary>
    public static ScalarType DtypeOf(Module module) =>
        module.named_parameters().Where(p => p.Tensor.is_floating_point()).Select(p => p.Tensor.dtype).FirstOrDefault(ScalarType.Float32);

    public static long HostBytes(params Module[] modules) =>
        modules.SelectMany(m => m.named_parameters().Concat(m.named_buffers())).Sum(p => TensorMemory.HostBytes(p.Tensor));

    public static long DeviceBytes(params Module[] modules) =>
        modules.SelectMany(m => m.named_parameters().Concat(m.named_buffers())).Sum(p => TensorMemory.DeviceBytes(p.Tensor));
}
