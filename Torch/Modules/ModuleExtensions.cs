namespace Workflow.Torch.Modules;

/// <summary>PyTorch's <c>module.to(...)</c>, returning the module with its own type.</summary>
public static class ModuleExtensions
{
    /// <summary>Converts floating-point parameters and buffers to <paramref name="dtype"/> (integer ones keep theirs).</summary>
    public static T to<T>(this T module, ScalarType dtype) where T : Module
    {
        module.Convert(dtype, null);
        return module;
    }

    public static T to<T>(this T module, Device device) where T : Module
    {
        module.Convert(null, device);
        return module;
    }

    public static T to<T>(this T module, Device device, ScalarType dtype) where T : Module
    {
        module.Convert(dtype, device);
        return module;
    }
}
