using Workflow.NodeSdk.Data;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>The bytes a module's weights take, by where they live, for the cache's budgets.</summary>
internal static class ModuleMemory
{
    public static long HostBytes(params Module[] modules) =>
        modules.SelectMany(m => m.named_parameters().Concat(m.named_buffers())).Sum(p => TensorMemory.HostBytes(p.Tensor));

    public static long DeviceBytes(params Module[] modules) =>
        modules.SelectMany(m => m.named_parameters().Concat(m.named_buffers())).Sum(p => TensorMemory.DeviceBytes(p.Tensor));
}
