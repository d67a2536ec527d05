using System.Reflection;
using Workflow.Host.Plugins;
using Workflow.NodeSdk;

namespace Workflow.Host.Benchmarks;

/// <summary>The [Benchmark] classes of the loaded plugins, by name.</summary>
public static class PluginBenchmarks
{
    public sealed record Entry(string Name, string Description, string Plugin, IBenchmark Benchmark);

    public static IReadOnlyList<Entry> Find(PluginReport plugins) =>
        plugins.Loaded
            .SelectMany(p => LoadableTypes.Of(p.Assembly).Select(t => (Plugin: p.Name, Type: t, Attribute: t.GetCustomAttribute<BenchmarkAttribute>())))
            .Where(x => x.Attribute is not null && typeof(IBenchmark).IsAssignableFrom(x.Type) && x.Type.GetConstructor(Type.EmptyTypes) is not null)
            .Select(x => new Entry(x.Attribute!.Name, x.Attribute.Description, x.Plugin, (IBenchmark)Activator.CreateInstance(x.Type)!))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
}
