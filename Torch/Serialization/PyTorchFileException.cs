namespace Workflow.Torch.Serialization;

/// <summary>
/// A PyTorch checkpoint that is refused or cannot be read as it claims. The message names the file and, inside it,
/// the archive entry or pickle byte at fault; <see cref="RefusedGlobal"/> names the global when that is the reason.
/// </summary>
public sealed class PyTorchFileException(string path, string problem, string? refusedGlobal = null)
    : FormatException($"{path}: {problem}")
{
    public string FilePath { get; } = path;

    /// <summary>The global ("posix.system", "builtins.eval") the allow-list refused, or null for other problems.</summary>
    public string? RefusedGlobal { get; } = refusedGlobal;
}
