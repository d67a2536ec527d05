using System.Reflection;
using System.Text.Json.Nodes;

namespace Workflow.Testing;

/// <summary>
/// The reference fixtures in ../shared/golden/ (beside the repository), read in place, never copied.
/// WORKFLOW_GOLDEN_DIR points elsewhere. Where the folder is absent the tests that need it are skipped with the
/// reason, except under CI (CI=true), where its absence is a failure.
/// </summary>
public static class Golden
{
    public static string Root =>
        Environment.GetEnvironmentVariable("WORKFLOW_GOLDEN_DIR")
        ?? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "golden"));

    public static string RepoRoot => typeof(Golden).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A fixture folder by name ("sd15-tiny"); fails with the expected location when it is missing.</summary>
    public static string Folder(string fixture)
    {
        var path = Path.Combine(Root, fixture);
        return Directory.Exists(path)
            ? path
            : throw new DirectoryNotFoundException($"Golden fixture '{fixture}' not found at {path} (set WORKFLOW_GOLDEN_DIR, or check out ../shared beside the repository).");
    }

    public static string File(string fixture, string relativePath) => Path.Combine(Folder(fixture), relativePath);

    /// <summary>A JSON file of a fixture (a manifest, a call index, a case list), parsed.</summary>
    public static JsonNode Json(string fixture, string relativePath) =>
        JsonNode.Parse(System.IO.File.ReadAllText(File(fixture, relativePath)))
        ?? throw new InvalidDataException($"{fixture}/{relativePath} is empty JSON");

    /// <summary>
    /// Theory rows read from a fixture (its calls, cases or prompts), so a theory covers whatever the fixture recorded.
    /// Where the fixture is absent there is one placeholder row: the theory is skipped then (or fails, under CI).
    /// </summary>
    public static TheoryData<T> Rows<T>(string fixture, Func<IEnumerable<T>> read, T placeholder)
    {
        var rows = new TheoryData<T>();
        if (Directory.Exists(Path.Combine(Root, fixture)))
            foreach (var row in read())
                rows.Add(row);
        else
            rows.Add(placeholder);
        return rows;
    }

    /// <summary>Why a test needing <paramref name="fixture"/> must be skipped here, or null to run it (always null under CI).</summary>
    internal static string? SkipReason(string fixture) =>
        IsCi || Directory.Exists(Path.Combine(Root, fixture))
            ? null
            : $"golden fixture '{fixture}' is not at {Path.Combine(Root, fixture)}; skipped outside CI";
}

/// <summary>A fact that needs golden fixtures: skipped with the reason where one is absent, failing under CI.</summary>
public sealed class GoldenFactAttribute : FactAttribute
{
    public GoldenFactAttribute(params string[] fixtures) => Skip = fixtures.Select(Golden.SkipReason).FirstOrDefault(reason => reason is not null);
}

/// <summary>A theory that needs a golden fixture: skipped with the reason where it is absent, failing under CI.</summary>
public sealed class GoldenTheoryAttribute : TheoryAttribute
{
    public GoldenTheoryAttribute(string fixture) => Skip = Golden.SkipReason(fixture);
}
