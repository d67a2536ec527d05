using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>Filling a freshly built module from a tensor source: strictly by key, and the module freed if that fails.</summary>
internal static class ModuleLoading
{
    public static T LoadInto<T>(T module, ITensorSource source, IReadOnlyCollection<string>? ignore = null) where T : Module
    {
        try
        {
            module.load_state_dict(source, strict: true, ignore);
            return module;
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }
}
