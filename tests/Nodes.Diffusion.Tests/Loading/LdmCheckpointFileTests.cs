using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Nodes.Diffusion.Text;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>
/// A model written in the original layout (what bench load writes at SD1.5's size) loads back through
/// CheckpointLoader into the same weights, under the names diffusers' own converter gives the fixture.
/// </summary>
public sealed class LdmCheckpointFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ldm-file-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Writes a random sd15-tiny as <paramref name="name"/> with its tokenizer beside it; returns the path.</summary>
    internal static string WriteTiny(string folder, string name, long seed, IReadOnlyDictionary<string, Tensor>? extra = null)
    {
        var path = Path.Combine(folder, name);
        using var model = RandomCheckpoint.Create(RandomModelPreset.Sd15Tiny, seed);
        LdmCheckpointFile.Save(path, model, extra);
        ClipTokenizer.ByteLevel().Save(Path.ChangeExtension(path, ".tokenizer"));
        return path;
    }

    [Fact]
    public void Written_file_loads_through_the_checkpoint_loader_into_the_same_weights()
    {
        var path = WriteTiny(_folder, "tiny.safetensors", seed: 3);
        using var original = RandomCheckpoint.Create(RandomModelPreset.Sd15Tiny, seed: 3);
        using var loaded = CheckpointLoader.Load(path, []);
        SameWeights.Assert(original, loaded);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Written_names_are_those_diffusers_converter_gave_the_fixture()
    {
        var path = WriteTiny(_folder, "tiny.safetensors", seed: 0);
        var written = SafeTensors.List(path).Select(e => e.Name).ToHashSet();
        var fixture = SafeTensors.List(Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors")).Select(e => e.Name).ToHashSet();
        Assert.Equal(fixture.Order(StringComparer.Ordinal), written.Order(StringComparer.Ordinal));
    }
}
