using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>
/// A training checkpoint carries EMA weights (model_ema.*) beside the model's: loading never reads them into memory,
/// neither kept nor passing through, however large they are.
/// </summary>
[Collection(LiveMemory.Name)]
public sealed class EmaSkipTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ema-skip-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Ema_weights_in_the_file_are_never_materialised()
    {
        string path;
        long emaBytes;
        using (var ema = torch.ones([4, 4 << 20]))   // 64 MiB, four times the tiny model
        using (var decay = torch.tensor<float>([0.9999f]))
        {
            emaBytes = ema.numel() * sizeof(float);
            path = LdmCheckpointFileTests.WriteTiny(_folder, "with-ema.safetensors", seed: 5,
                new Dictionary<string, Tensor> { ["model_ema.diffusion_modelinput_blocks00weight"] = ema, ["model_ema.decay"] = decay });
        }

        var before = LiveMemory.Bytes();
        torch.cpu.reset_peak_memory_stats();
        using var loaded = CheckpointLoader.Load(path, []);
        var peak = torch.cpu.max_memory_allocated() - before;
        var kept = LiveMemory.Bytes() - before;
        var weights = loaded.Model.HostBytes + loaded.Clip.HostBytes + loaded.Vae.HostBytes;

        Assert.True(emaBytes > 3 * weights, $"the EMA tensor ({emaBytes} bytes) should dwarf the model ({weights} bytes)");
        // The weights are views of the mapped file (float32 file, float32 weights), so they may allocate nothing:
        // only the upper bounds tell whether the EMA tensor was read.
        Assert.InRange(kept, 0, weights + emaBytes / 4);
        Assert.InRange(peak, 0, weights + emaBytes / 4);
    }
}
