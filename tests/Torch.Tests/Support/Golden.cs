namespace Workflow.Torch.Tests.Support;

/// <summary>
/// The shared golden fixtures (<c>../shared/golden</c> beside the repository, or WORKFLOW_GOLDEN_DIR), read in place.
/// A test needing a fixture folder is skipped when it is absent, except under CI=true, where absence fails.
/// </summary>
public static class Golden
{
    public static string Root { get; } = Environment.GetEnvironmentVariable("WORKFLOW_GOLDEN_DIR")
        ?? Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "golden"));

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string Folder(string fixture) => Path.Combine(Root, fixture);

    /// <summary>Why a test needing <paramref name="fixture"/> is skipped, or null when it runs.</summary>
    public static string? SkipReason(string fixture) =>
        Directory.Exists(Folder(fixture)) || IsCi ? null : $"golden fixture folder {Folder(fixture)} is absent (CI=true makes this a failure)";

    /// <summary>The fixture folder; fails the test with the path when it is absent.</summary>
    public static string Require(string fixture) =>
        Directory.Exists(Folder(fixture)) ? Folder(fixture) : throw new DirectoryNotFoundException($"golden fixture folder {Folder(fixture)} is absent");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workflow.sln")))
                return dir.FullName;
        return AppContext.BaseDirectory;
    }
}

/// <summary>A fact that needs a golden fixture folder (see <see cref="Golden"/>).</summary>
public sealed class GoldenFactAttribute : FactAttribute
{
    public GoldenFactAttribute(string fixture) => Skip = Golden.SkipReason(fixture);
}

/// <summary>A theory that needs a golden fixture folder (see <see cref="Golden"/>).</summary>
public sealed class GoldenTheoryAttribute : TheoryAttribute
{
    public GoldenTheoryAttribute(string fixture) => Skip = Golden.SkipReason(fixture);
}
