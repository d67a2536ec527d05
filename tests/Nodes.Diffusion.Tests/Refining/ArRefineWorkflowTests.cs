using Workflow.Host.Execution;
using Workflow.Nodes.Core.Latents;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Refining;

/// <summary>
/// LTX2TransformerLoader → LoadLatent → ARRefine → SaveLatent through the engine, on the fixture's tiny transformer
/// linked into models/diffusion_models/: the saved latents are the fixture's output, the node reports its progress,
/// a rerun comes from the cache, and a bad schedule is a validation error.
/// </summary>
public sealed class ArRefineWorkflowTests : IDisposable
{
    private const string Transformer = "sanawm-refiner-tiny/diffusion_pytorch_model.safetensors";
    private readonly TestEngine _test = new([typeof(ArRefine).Assembly, typeof(SaveLatent).Assembly]);

    public void Dispose() => _test.Dispose();

    private static string Workflow(RefineCall call) => $$$"""
        {"1": {"class_type": "LTX2TransformerLoader", "inputs": {"unet_name": "{{{Transformer}}}"}},
         "2": {"class_type": "LoadLatent", "inputs": {"latent": "{{{RefineCall.LatentFile}}}"}},
         "3": {"class_type": "ARRefine", "inputs": {"model": ["1", 0], "latent": ["2", 0], "embeddings": "{{{RefineCall.EmbeddingsFile}}}",
               "seed": {{{call.Seed}}}, "block_size": {{{call.BlockSize}}}, "sink_frames": {{{call.SinkFrames}}}, "kv_max_frames": {{{call.KvMaxFrames}}},
               "sigmas": "{{{call.Sigmas}}}", "fps": {{{call.Fps.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}} }},
         "4": {"class_type": "SaveLatent", "inputs": {"samples": ["3", 0], "filename_prefix": "refined"}} }
        """;

    private void Install()
    {
        RefineCall.Prepare(_test.BaseDirectory);
        var models = Directory.CreateDirectory(Path.Combine(_test.Engine.Paths.Models, "diffusion_models")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(models, "sanawm-refiner-tiny"), RefinerFixture.TransformerFolder);
    }

    [GoldenFact(RefinerFixture.Name)]
    public void The_saved_latents_are_the_fixtures_output_and_a_rerun_comes_from_the_cache()
    {
        Install();
        var call = RefineCall.FromManifest();
        var result = _test.Run(Workflow(call));
        Assert.True(result.Status == ExecutionStatus.Succeeded, result.Failure?.ExceptionMessage);

        using var scope = torch.NewDisposeScope();
        using var golden = RefinerFixture.Tensors();
        golden.AssertMatches("output", SafeTensors.LoadAll(Path.Combine(_test.Engine.Paths.Output, "refined_00001_.latent"))["latent_tensor"]);
        var progress = _test.Events.OfType<NodeProgress>().Where(e => e.NodeId == "3").ToList();
        Assert.Equal(call.ProgressAfterBlock(RefinerFixture.Manifest["blocks"]!.AsArray().Count), progress[^1].Value);
        Assert.Equal(progress.Count, progress[^1].Value);
        Assert.Empty(_test.Run(Workflow(call)).Executed);
    }

    [GoldenFact(RefinerFixture.Name)]
    public void A_schedule_that_does_not_fall_is_a_validation_error()
    {
        Install();
        var result = _test.Validate(Workflow(RefineCall.FromManifest() with { Sigmas = "0.5, 0.9" }));
        var error = result.NodeErrors[new("3")].Errors.Single();
        Assert.Equal("custom_validation_failed", error.Type);
        Assert.Contains("sigmas", error.Details);
    }
}
