using System.Diagnostics;

namespace Workflow.Testing;

/// <summary>
/// The example workflows' models under a test's base folder, put there by the script setup uses
/// (scripts/link-fixture-models.sh): the fixture checkpoint, CLIP vision model, a fitting IP-Adapter, a reference picture.
/// </summary>
public static class FixtureModels
{
    public static void Install(string baseDirectory)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Golden.RepoRoot, "scripts", "link-fixture-models.sh"), baseDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"link-fixture-models.sh failed: {error}");
        Assert.True(output.Result.Trim() == "workflows/sd15_txt2img.json", $"link-fixture-models.sh found no fixtures: {output.Result}");
    }

    /// <summary>An example workflow of the repository, as text.</summary>
    public static string Workflow(string name) => File.ReadAllText(Path.Combine(Golden.RepoRoot, "workflows", name));
}
