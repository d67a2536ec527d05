using Workflow.NodeSdk;

namespace Workflow.Testing;

/// <summary>
/// A base folder of a test's own for calling nodes directly: models/, input/, output/ and temp/ under a new temporary
/// folder, deleted with everything in it on dispose.
/// </summary>
public sealed class TemporaryBase : IDisposable
{
    public TemporaryBase(string prefix)
    {
        Root = Directory.CreateTempSubdirectory(prefix).FullName;
        Paths = new NodePaths(Path.Combine(Root, "models"), Path.Combine(Root, "input"), Path.Combine(Root, "output"), Path.Combine(Root, "temp"));
    }

    public string Root { get; }

    public NodePaths Paths { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
