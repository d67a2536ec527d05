using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Refining;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Refining;

/// <summary>
/// The ARRefine node on the fixture: its output is the fixture's; progress counts every step; an interrupted run
/// resumes after its last finished block with the same bits; a finished run's state is removed; another run's state,
/// or a damaged one, is refused with a message saying why; bad inputs are refused naming the input.
/// </summary>
public sealed class ArRefineNodeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("arrefine-node-test-").FullName;
    private readonly Ltx2Model? _model;
    private readonly NodePaths? _paths;

    public ArRefineNodeTests()
    {
        if (!Directory.Exists(Path.Combine(Golden.Root, RefinerFixture.Name)))
            return;
        _model = new Ltx2Model(RefinerFixture.LoadTransformer());
        _paths = RefineCall.Prepare(_root);
    }

    private Ltx2Model Model => _model!;

    private NodePaths Paths => _paths!;

    public void Dispose()
    {
        _model?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string[] StateFiles() =>
        Directory.Exists(Paths.Temp) ? Directory.GetFiles(Paths.Temp, RefinerCheckpoint.FileName, SearchOption.AllDirectories) : [];

    [GoldenFact(RefinerFixture.Name)]
    public void The_output_is_the_fixtures_progress_counts_every_step_and_the_finished_state_is_removed()
    {
        var call = RefineCall.FromManifest();
        var context = new ProgressContext(Paths);
        using var refined = call.Run(context, Model);

        using var golden = RefinerFixture.Tensors();
        golden.AssertMatches("output", refined.Samples);
        Assert.Equal(Enumerable.Range(1, (int)context.Max).Select(v => (long)v), context.Values);
        Assert.Equal(call.ProgressAfterBlock(RefinerFixture.Manifest["blocks"]!.AsArray().Count), context.Max);
        Assert.Empty(StateFiles());
    }

    [GoldenFact(RefinerFixture.Name)]
    public void An_interrupted_run_resumes_after_its_last_finished_block_with_the_same_bits()
    {
        var call = RefineCall.FromManifest();
        using var uninterrupted = call.Run(new ProgressContext(Paths), Model);
        long interruptAt = call.ProgressAfterBlock(1) + 1;   // the first step of the second block

        Assert.Throws<OperationCanceledException>(() => call.Run(new ProgressContext(Paths, interruptAt), Model));
        var state = Assert.Single(StateFiles());
        using (var file = SafeTensorsFile.Open(state))
            Assert.Equal("1", file.Metadata["blocks_done"]);
        var resumed = new ProgressContext(Paths);
        using var result = call.Run(resumed, Model);

        Assert.Equal(call.ProgressAfterBlock(1) + 1, resumed.Values[0]);
        Assert.True(uninterrupted.Samples.equal(result.Samples), "the resumed run's output differs from the uninterrupted run's");
        Assert.Empty(StateFiles());
    }

    [GoldenTheory(RefinerFixture.Name)]
    [InlineData("seed")]
    [InlineData("kv_max_frames")]
    public void Another_runs_state_in_the_folder_is_refused_naming_what_differs(string changed)
    {
        var call = RefineCall.FromManifest() with { CheckpointFolder = "shared" };
        Assert.Throws<OperationCanceledException>(() => call.Run(new ProgressContext(Paths, call.ProgressAfterBlock(1)), Model));
        var other = changed == "seed" ? call with { Seed = call.Seed + 1 } : call with { KvMaxFrames = call.KvMaxFrames + 1 };
        var (mine, theirs) = changed == "seed" ? (other.Seed.ToString(), call.Seed.ToString()) : (other.KvMaxFrames.ToString(), call.KvMaxFrames.ToString());

        var refusal = Assert.Throws<InputException>(() => other.Run(new ProgressContext(Paths), Model));
        Assert.Equal("checkpoint_folder", refusal.InputName);
        Assert.Contains($"{changed} is {mine} here but {theirs} in the state", refusal.Message);
        Assert.Single(StateFiles());   // refused, not overwritten
    }

    [GoldenTheory(RefinerFixture.Name)]
    [InlineData("truncated")]
    [InlineData("a byte changed")]
    [InlineData("not a state")]
    public void A_damaged_state_is_refused_not_loaded(string damage)
    {
        var call = RefineCall.FromManifest() with { CheckpointFolder = "damaged" };
        Assert.Throws<OperationCanceledException>(() => call.Run(new ProgressContext(Paths, call.ProgressAfterBlock(2)), Model));
        var path = Assert.Single(StateFiles());
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncated":
                File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
                break;
            case "a byte changed":
                bytes[^100] ^= 0x40;   // inside the last tensor's data: the header still parses
                File.WriteAllBytes(path, bytes);
                break;
            default:
                SafeTensors.Save(path, new Dictionary<string, Tensor> { ["output"] = torch.zeros([1]) });
                break;
        }

        var refusal = Assert.Throws<InputException>(() => call.Run(new ProgressContext(Paths), Model));
        Assert.Equal("checkpoint_folder", refusal.InputName);
        Assert.Contains(damage == "not a state" ? "is not a refiner state" : "is damaged", refusal.Message);
    }

    [GoldenFact(RefinerFixture.Name)]
    public void Bad_inputs_are_refused_naming_the_input()
    {
        var call = RefineCall.FromManifest();
        var context = new ProgressContext(Paths);
        using var image = new Latent(torch.zeros([1, 8, 2, 3]));
        using var conditioning = new Conditioning(torch.zeros([1, 7, 32]));
        using var narrow = new Conditioning(torch.zeros([1, 7, 5]));

        Assert.Equal("latent", Assert.Throws<InputException>(() => call.Run(context, Model, image)).InputName);
        Assert.Equal("embeddings", Assert.Throws<InputException>(() => call.Run(context, Model, conditioning: conditioning)).InputName);
        Assert.Equal("conditioning", Assert.Throws<InputException>(() => call.Run(context, Model, embeddings: "")).InputName);
        Assert.Equal("conditioning", Assert.Throws<InputException>(() => call.Run(context, Model, conditioning: narrow, embeddings: "")).InputName);
        Assert.Equal("kv_max_frames", Assert.Throws<InputException>(() => (call with { KvMaxFrames = call.SinkFrames }).Run(context, Model)).InputName);
        Assert.Equal("sigmas", Assert.Throws<InputException>(() => (call with { Sigmas = "0.5, 0.7" }).Run(context, Model)).InputName);
        Assert.Equal("checkpoint_folder", Assert.Throws<InputException>(() => (call with { CheckpointFolder = "../elsewhere" }).Run(context, Model)).InputName);
        Assert.Empty(context.Values);
    }
}
