using Workflow.Testing;

namespace Workflow.Torch.Tests.Support;

/// <summary>
/// The checkpoints Data/make_pickles.py writes with torch.save, made once per test class on first use (so a class
/// whose tests are skipped, where PyTorch is absent, never runs Python) and deleted afterwards.
/// </summary>
public sealed class PyTorchMadeFiles : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly Lazy<string> _folder;

    public PyTorchMadeFiles() => _folder = new(() =>
    {
        ReferencePython.Run(Path.Combine(AppContext.BaseDirectory, "Data", "make_pickles.py"), _directory.Path, Marker);
        return _directory.Path;
    });

    /// <summary>The file the hostile pickles would create if anything ran them.</summary>
    public string Marker => _directory.File("marker");

    public string File(string name) => Path.Combine(_folder.Value, name);

    public void Dispose() => _directory.Dispose();
}
