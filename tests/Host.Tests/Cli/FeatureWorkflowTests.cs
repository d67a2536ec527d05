using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Cli;

/// <summary>
/// The example workflows of the engine's features, run by the command line as a user runs them: lists (workflows/
/// squares.json, list_prompts.json), lazy inputs (switch.json), expansion (repeat_sample.json), and --only.
/// </summary>
public sealed class FeatureWorkflowTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("workflow-features-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Sampling three images on a busy two-core machine has taken over the runner's default two minutes.
    private static readonly CliRunner.Settings Patient = new(Limit: TimeSpan.FromMinutes(6));

    private CliRunner.Outcome Run(string workflow, params string[] args) =>
        CliRunner.Run(_dir, Patient, ["run", Path.Combine(Golden.RepoRoot, "workflows", workflow), .. args]);

    private string Output(string relative) => File.ReadAllText(Path.Combine(_dir, "output", relative));

    [Fact]
    public void Squares_maps_a_list_and_joins_it_whole()
    {
        var outcome = Run("squares.json");
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Equal("1, 4, 9, 16, 25", Output("squares/all_00001_.txt"));
        Assert.Equal(["1", "4", "9", "16", "25"], Enumerable.Range(1, 5).Select(i => Output($"squares/each_{i:00000}_.txt")));
    }

    [Fact]
    public void Only_runs_the_named_output_and_what_it_needs()
    {
        var outcome = Run("squares.json", "--only", "5");
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Contains("executed 5 node(s)", outcome.Stdout);
        Assert.Equal("1, 4, 9, 16, 25", Output("squares/all_00001_.txt"));
        Assert.False(File.Exists(Path.Combine(_dir, "output", "squares", "each_00001_.txt")));
    }

    [Fact]
    public void Only_naming_a_node_that_is_not_an_output_is_refused_with_exit_1()
    {
        var outcome = Run("squares.json", "--only", "2");
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("--only 2: node 2 (IntArithmetic) is not an output node", outcome.Output);
    }

    [Fact]
    public void Switch_runs_the_picked_branch_and_never_the_failing_one()
    {
        var outcome = Run("switch.json");
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Equal("42", Output("switch/answer_00001_.txt"));
        Assert.Contains("executed 4 node(s)", outcome.Stdout);
    }

    [GoldenFact("multiview-tiny")]
    public void A_list_of_three_prompts_writes_three_images()
    {
        FixtureModels.Install(_dir);
        var outcome = Run("list_prompts.json");
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        var images = Enumerable.Range(1, 3).Select(i => Path.Combine(_dir, "output", $"list_prompts_{i:00000}_.png")).ToList();
        Assert.All(images, image => Assert.True(Imaging.Png.IsPng(File.ReadAllBytes(image)), image));
        Assert.Equal(3, images.Select(File.ReadAllBytes).Select(Convert.ToBase64String).Distinct().Count());
    }

    [GoldenFact("multiview-tiny")]
    public void Repeat_sample_expands_into_samplers_and_a_rerun_executes_nothing()
    {
        FixtureModels.Install(_dir);
        var outcome = Run("repeat_sample.json", "--repeat", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Contains("executed 10 node(s)", outcome.Stdout);
        Assert.Contains("executed 0 node(s)", outcome.Stdout);
        Assert.True(Imaging.Png.IsPng(File.ReadAllBytes(Path.Combine(_dir, "output", "repeat_sample_00001_.png"))));
    }
}
