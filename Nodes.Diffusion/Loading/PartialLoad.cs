namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// The parts a loader has built so far: when a later part fails to load, the ones before it are freed with it, so a
/// refused checkpoint leaks no weights.
/// </summary>
internal sealed class PartialLoad
{
    private readonly List<IDisposable> _parts = [];

    /// <summary>Runs <paramref name="build"/>; if it throws, every part it added is disposed, last first.</summary>
    public static T Build<T>(Func<PartialLoad, T> build)
    {
        var load = new PartialLoad();
        try
        {
            return build(load);
        }
        catch
        {
            for (int i = load._parts.Count - 1; i >= 0; i--)
                load._parts[i].Dispose();
            throw;
        }
    }

    /// <summary>Keeps <paramref name="part"/> to free if the load fails; returns it.</summary>
    public T Add<T>(T part) where T : IDisposable
    {
        _parts.Add(part);
        return part;
    }
}
