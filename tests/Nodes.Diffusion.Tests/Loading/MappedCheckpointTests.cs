using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Testing;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>
/// A single-file checkpoint whose weights are stored at the modules' dtype (float32 on the CPU) is loaded by mapping:
/// every parameter is a view of the file, and the mapping goes when the model does.
/// </summary>
public sealed class MappedCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mapped-checkpoint-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Every_weight_is_a_view_of_the_file_until_the_model_is_freed()
    {
        var path = LdmCheckpointFileTests.WriteTiny(_folder, "tiny.safetensors", seed: 4);
        var loaded = CheckpointLoader.Load(path, []);
        try
        {
            Module[] modules = [loaded.Model.Network.Module, ((ClipModel)loaded.Clip).Encoder, loaded.Vae.Autoencoder];
            var parameters = modules.SelectMany(m => m.named_parameters()).ToList();
            Assert.NotEmpty(parameters);
            Assert.All(parameters, p => Assert.True(ProcessMaps.Views(p.Tensor, path), $"{p.Name} is not a view of the file"));
            Assert.NotEmpty(ProcessMaps.Of(path));
        }
        finally
        {
            loaded.Dispose();
        }
        Assert.Empty(ProcessMaps.Of(path));
    }
}
