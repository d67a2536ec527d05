using System.Text.RegularExpressions;
using Workflow.Host.Tests.Support;
using Workflow.Imaging;
using Workflow.Testing;

namespace Workflow.Host.Tests.Cli;

/// <summary>
/// The multi-view examples run from the command line as a user runs them after setup (MVDream from a prompt, ImageDream
/// from input/reference.png, on the tiny checkpoints setup links): a PNG per view and the grid of them, as the CLI reports.
/// </summary>
[Collection(WholeMachine.Name)]
public sealed partial class MultiViewCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("workflow-multiview-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [GoldenTheory("multiview-tiny")]
    [InlineData("multiview_from_text.json")]
    [InlineData("multiview_from_image.json")]
    public void Example_writes_a_png_per_view_and_their_grid(string name)
    {
        FixtureModels.Install(_dir);
        var example = MultiViewExample.Of(FixtureModels.Workflow(name));

        var outcome = CliRunner.Run(_dir, new CliRunner.Settings(TimeSpan.FromMinutes(10)), "run", Path.Combine(Golden.RepoRoot, "workflows", name));

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        var written = Wrote().Matches(outcome.Stdout).ToLookup(m => m.Groups["node"].Value, m => Png.Read(Path.Combine(_dir, m.Groups["file"].Value)).Image);
        example.AssertOutputs([.. written[example.ViewsNode]], Assert.Single(written[example.GridNode]));
    }

    [GeneratedRegex(@"^#(?<node>\S+) wrote (?<file>\S+\.png)$", RegexOptions.Multiline)]
    private static partial Regex Wrote();
}
