using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Workflow.Nodes.Diffusion.Refining;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Refining;

/// <summary>
/// Crash-safe resume end to end: ARRefine runs in a child process (tests/RefinerCrash) that is killed with SIGKILL right
/// after block k's state is saved; a rerun with the same inputs resumes after block k and its output equals, bit for
/// bit, that of a run never interrupted (both in child processes, alike in all but the kill).
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

        var (exit, _) = Child(call, killAt: call.ProgressAfterBlock(blocksDone), "killed.safetensors");
        Assert.Equal(Sigkill, exit);
        using (var file = SafeTensorsFile.Open(state))
            Assert.Equal(blocksDone.ToString(), file.Metadata["blocks_done"]);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(state)!, "*.tmp"));

        var (resumedExit, resumedProgress) = Child(call, killAt: -1, "resumed.safetensors");
        Assert.Equal(0, resumedExit);
        Assert.Equal(call.ProgressAfterBlock(blocksDone) + 1, resumedProgress[0]);
        Assert.False(File.Exists(state), "the finished run's state was not removed");

        var (cleanExit, cleanProgress) = Child(call with { CheckpointFolder = "clean" }, killAt: -1, "clean.safetensors");
        Assert.Equal(0, cleanExit);
        Assert.Equal(1, cleanProgress[0]);
        using var scope = torch.NewDisposeScope();
        var resumed = SafeTensors.LoadAll(Path.Combine(_root, "resumed.safetensors"))["latent_tensor"];
        var clean = SafeTensors.LoadAll(Path.Combine(_root, "clean.safetensors"))["latent_tensor"];
        Assert.True(clean.equal(resumed), "the resumed run's output differs from the uninterrupted run's");
    }

    /// <summary>Runs the child to its end or its kill; returns its exit code and the progress values it printed.</summary>
    private (int ExitCode, List<long> Progress) Child(RefineCall call, long killAt, string output)
    {
        var request = JsonSerializer.Serialize(new
        {
            BaseDir = _root, Transformer = RefinerFixture.TransformerFolder, Latents = Path.Combine(_root, "input", RefineCall.LatentFile),
            Embeddings = RefineCall.EmbeddingsFile, call.Seed, call.BlockSize, call.SinkFrames, call.KvMaxFrames, call.Sigmas, call.Fps,
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
