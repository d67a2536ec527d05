namespace Workflow.Torch.Modules;

/// <summary>A state dict that does not fit a module; lists every problem at once, each by its full dotted key.</summary>
public sealed class StateDictException(
    string moduleName,
    IReadOnlyList<string> missing,
    IReadOnlyList<string> unexpected,
    IReadOnlyList<ShapeMismatch> mismatched)
    : Exception(Describe(moduleName, missing, unexpected, mismatched))
{
    public IReadOnlyList<string> MissingKeys { get; } = missing;

    public IReadOnlyList<string> UnexpectedKeys { get; } = unexpected;

    public IReadOnlyList<ShapeMismatch> Mismatched { get; } = mismatched;

    private static string Describe(string moduleName, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<ShapeMismatch> mismatched)
    {
        var lines = new List<string> { $"Error(s) in loading state_dict for {moduleName}:" };
        if (missing.Count > 0)
            lines.Add($"  missing keys ({missing.Count}): {string.Join(", ", missing)}");
        if (unexpected.Count > 0)
            lines.Add($"  unexpected keys ({unexpected.Count}): {string.Join(", ", unexpected)}");
        lines.AddRange(mismatched.Select(m => $"  size mismatch for {m}"));
        return string.Join(Environment.NewLine, lines);
    }
}
