using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Host.Execution;
using Workflow.Nodes.Core.Latents;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Refining;
using Workflow.NodeSdk;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Refining;

/// <summary>
/// Crash-safe resume end to end: ARRefine runs in a child process (tests/RefinerCrash) that is killed with SIGKILL right
/// after block k's state is saved; a rerun with the same inputs resumes after block k and its output equals, bit for
/// bit, that of a run never interrupted (both in child processes, alike in all but the kill). And at the workflow level:
/// workflows/arrefine_tiny.json run again where a killed run left its state finds it, resumes, and saves the same
/// latents and video as a run never killed.
/// </summary>
public sealed class ArRefineCrashTests : IDisposable
{
    private const int Sigkill = 137;
    private readonly string _root = Directory.CreateTempSubdirectory("arrefine-crash-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string ChildDll => typeof(ArRefineCrashTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RefinerCrashDll").Value!;

    [GoldenTheory(RefinerFixture.Name)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_run_killed_after_block_k_resumes_there_and_ends_bit_identical(int blocksDone)
    {
        var call = RefineCall.FromManifest() with { CheckpointFolder = "crash" };
        var paths = RefineCall.Prepare(_root);
        var state = Path.Combine(paths.Temp, "crash", RefinerCheckpoint.FileName);

        var inputs = ChildInputs.Of(paths);
        var (exit, _) = Child(inputs, call, killAt: call.ProgressAfterBlock(blocksDone), "killed.safetensors");
        Assert.Equal(Sigkill, exit);
        using (var file = SafeTensorsFile.Open(state))
            Assert.Equal(blocksDone.ToString(), file.Metadata["blocks_done"]);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(state)!, "*.tmp"));

        var (resumedExit, resumedProgress) = Child(inputs, call, killAt: -1, "resumed.safetensors");
        Assert.Equal(0, resumedExit);
        Assert.Equal(call.ProgressAfterBlock(blocksDone) + 1, resumedProgress[0]);
        Assert.False(File.Exists(state), "the finished run's state was not removed");

        var (cleanExit, cleanProgress) = Child(inputs, call with { CheckpointFolder = "clean" }, killAt: -1, "clean.safetensors");
        Assert.Equal(0, cleanExit);
        Assert.Equal(1, cleanProgress[0]);
        using var scope = torch.NewDisposeScope();
        var resumed = SafeTensors.LoadAll(Path.Combine(_root, "resumed.safetensors"))["latent_tensor"];
        var clean = SafeTensors.LoadAll(Path.Combine(_root, "clean.safetensors"))["latent_tensor"];
        Assert.True(clean.equal(resumed), "the resumed run's output differs from the uninterrupted run's");
    }

    [GoldenFact(RefinerFixture.Name, "ltx2-vae-tiny")]
    public void The_example_workflow_run_again_after_a_kill_resumes_and_saves_what_an_uninterrupted_run_saves()
    {
        using var killed = new TestEngine([typeof(ArRefine).Assembly, typeof(SaveLatent).Assembly]);
        using var clean = new TestEngine([typeof(ArRefine).Assembly, typeof(SaveLatent).Assembly]);
        FixtureModels.Install(killed.BaseDirectory);
        FixtureModels.Install(clean.BaseDirectory);
        var call = RefineCall.FromManifest();
        var workflow = call.AppliedTo(JsonNode.Parse(FixtureModels.Workflow("arrefine_tiny.json"))!, "3");
        var latent = (string)workflow["2"]!["inputs"]!["latent"]!;
        var embeddings = (string)workflow["3"]!["inputs"]!["embeddings"]!;

        // The workflow's refine, as its own process, killed once block 1's state is saved where the workflow looks for it.
        var inputs = new ChildInputs(killed.BaseDirectory, Path.Combine(killed.BaseDirectory, "input", latent), embeddings);
        Assert.Equal(Sigkill, Child(inputs, call, killAt: call.ProgressAfterBlock(1), "killed.safetensors").ExitCode);
        var state = Assert.Single(Directory.GetFiles(killed.Engine.Paths.Temp, RefinerCheckpoint.FileName, SearchOption.AllDirectories));

        killed.RunSucceeded(workflow.ToJsonString());
        Assert.Equal(call.ProgressAfterBlock(1) + 1, killed.Events.OfType<NodeProgress>().First(e => e.NodeId == "3").Value);
        Assert.False(Directory.Exists(Path.GetDirectoryName(state)), "the finished run left its checkpoint folder");
        clean.RunSucceeded(workflow.ToJsonString());
        Assert.Equal(1, clean.Events.OfType<NodeProgress>().First(e => e.NodeId == "3").Value);

        foreach (var file in new[] { "latents/arrefine_tiny_00001_.latent", "arrefine_tiny/refined_00001_.mp4" })
            Assert.True(File.ReadAllBytes(Path.Combine(killed.Engine.Paths.Output, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(clean.Engine.Paths.Output, file))),
                $"the resumed workflow's {file} differs from the uninterrupted one's");
    }

    /// <summary>Where the child runs and what it reads: the base folder, the stage-1 .latent file, the embeddings file's name in input/.</summary>
    private sealed record ChildInputs(string BaseDir, string Latents, string Embeddings)
    {
        public static ChildInputs Of(NodePaths paths) =>
            new(Path.GetDirectoryName(paths.Input)!, Path.Combine(paths.Input, RefineCall.LatentFile), RefineCall.EmbeddingsFile);
    }

    /// <summary>Runs the child to its end or its kill; returns its exit code and the progress values it printed.</summary>
    private (int ExitCode, List<long> Progress) Child(ChildInputs inputs, RefineCall call, long killAt, string output)
    {
        var request = JsonSerializer.Serialize(new
        {
            inputs.BaseDir, Transformer = RefinerFixture.TransformerFolder, inputs.Latents,
            inputs.Embeddings, call.Seed, call.BlockSize, call.SinkFrames, call.KvMaxFrames, call.Sigmas, call.Fps,
            call.CheckpointFolder, KillAtProgress = killAt, Output = Path.Combine(_root, output),
        });
        var start = new ProcessStartInfo("dotnet", ["exec", ChildDll, request]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var progress = new List<long>();
        while (process.StandardOutput.ReadLine() is { } line)
            if (line.StartsWith("progress ", StringComparison.Ordinal))
                progress.Add(long.Parse(line.Split(' ')[1]));
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the child did not end within 2 minutes");
        Assert.True(process.ExitCode is 0 or Sigkill, $"the child failed ({process.ExitCode}): {error.Result}");
        return (process.ExitCode, progress);
    }
}
