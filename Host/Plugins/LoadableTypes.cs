using System.Reflection;

namespace Workflow.Host.Plugins;

/// <summary>An assembly's types, leaving out those that cannot load (a plugin built against a missing dependency).</summary>
public static class LoadableTypes
{
    public static IEnumerable<Type> Of(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }
}
