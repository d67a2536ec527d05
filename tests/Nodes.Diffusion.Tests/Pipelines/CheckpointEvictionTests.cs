using Workflow.Host.Caching;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Loading;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Pipelines;

/// <summary>
/// The output cache counts a loaded checkpoint's weights (MODEL, CLIP and VAE report their bytes), so under a budget
/// that holds one checkpoint, a workflow loading a second one evicts the first, and loading the first again reads it
/// from disk anew.
/// </summary>
public sealed class CheckpointEvictionTests
{
    private const long MiB = 1 << 20;
    /// <summary>
    /// A picture decoded from a zero latent by the checkpoint's VAE. A new <paramref name="width"/> makes the decode new,
    /// so it needs the VAE: from the cache, or LoadCheckpoint runs again.
    /// </summary>
    private static string Workflow(string ckptName, int width) => $$$$"""
        {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{{{ckptName}}}}"}},
         "5": {"class_type": "EmptyLatentImage", "inputs": {"width": {{{{width}}}}, "height": 64, "batch_size": 1}},
         "8": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["4", 2]}},
         "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "eviction"}}}
        """;

    [Fact]
    public void A_second_checkpoint_evicts_the_first_when_the_budget_holds_one()
    {
        long checkpointBytes;
        using (var model = RandomCheckpoint.Create(RandomModelPreset.Sd15Tiny, seed: 0))
            checkpointBytes = model.Model.HostBytes + model.Clip.HostBytes + model.Vae.HostBytes;
        var budget = checkpointBytes * 3 / 2 + MiB;   // one checkpoint and the small outputs, not two checkpoints
        using var test = new TestEngine([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly], new CacheBudget(budget, budget));
        var checkpoints = Directory.CreateDirectory(Path.Combine(test.Engine.Paths.Models, "checkpoints")).FullName;
        LdmCheckpointFileTests.WriteTiny(checkpoints, "first.safetensors", seed: 1);
        LdmCheckpointFileTests.WriteTiny(checkpoints, "second.safetensors", seed: 2);

        test.RunSucceeded(Workflow("first.safetensors", width: 64));
        Assert.InRange(test.Engine.Cache.Statistics.HostBytes, checkpointBytes, budget);
        Assert.Equal(["5", "8", "9"], TestEngine.Ids(test.RunSucceeded(Workflow("first.safetensors", width: 72)).Executed));   // still cached

        Assert.Contains("4", TestEngine.Ids(test.RunSucceeded(Workflow("second.safetensors", width: 64)).Executed));
        Assert.InRange(test.Engine.Cache.Statistics.HostBytes, checkpointBytes, budget);
        Assert.Contains("4", TestEngine.Ids(test.RunSucceeded(Workflow("first.safetensors", width: 80)).Executed));   // evicted: loaded again
    }
}
