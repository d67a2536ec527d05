using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.MultiView;

/// <summary>
/// MVDream and ImageDream single files load by their keys: the configuration read from the shapes and the .yaml is
/// the one upstream built them with, the schedule comes from the .yaml or the stored betas, a pickle gives the same
/// weights, and what cannot be loaded is refused naming what is missing.
/// </summary>
public sealed class MultiViewCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("multiview-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Families => new() { MultiViewModels.MvDream, MultiViewModels.ImageDream };

    /// <summary>Manifest settings that change neither the weights nor the arithmetic (checkpointing, the nominal image size, LDM's legacy head split).</summary>
    private static readonly HashSet<string> NotModelled = ["use_spatial_transformer", "use_checkpoint", "legacy", "image_size"];

    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(Families))]
    public void Configuration_is_the_one_upstream_built(string family)
    {
        using var model = MultiViewModels.Load(family);
        var ours = JsonSerializer.SerializeToNode(MultiViewModels.Network(model).Config)!.AsObject();

        foreach (var (key, value) in MultiViewModels.Section(family)["unet_config"]!.AsObject())
        {
            if (NotModelled.Contains(key))
                continue;
            Assert.True(ours.ContainsKey(key), $"{family}: unet_config.{key} is not in our configuration");
            Assert.True(JsonNode.DeepEquals(value, ours[key]), $"{family}: unet_config.{key} is {ours[key]?.ToJsonString()}, upstream's {value?.ToJsonString()}");
        }
        Assert.True(MultiViewModels.Section(family)["unet_config"]!["use_spatial_transformer"]!.GetValue<bool>());
    }

    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(Families))]
    public void LoadCheckpoint_names_the_parts_the_file_lacks(string family)
    {
        var error = Assert.Throws<InvalidDataException>(() => CheckpointLoader.Load(MultiViewModels.CheckpointPath(family), []));

        Assert.Contains("text encoder", error.Message);
        Assert.Contains("VAE", error.Message);
        Assert.Contains(MultiViewModels.CheckpointPath(family), error.Message);
    }

    /// <summary>MVDream's VAE is found under first_stage_model.*: with it in the file, only the text encoder is missing.</summary>
    [GoldenFact(MultiviewFixture.Name)]
    public void A_file_with_its_vae_is_refused_for_the_text_encoder_alone()
    {
        const string vaePrefix = "first_stage_model.";
        using var sd15 = TensorFile.Open(Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"));
        var path = Copy(MultiViewModels.MvDream, File.ReadAllText(Path.ChangeExtension(MultiViewModels.CheckpointPath(MultiViewModels.MvDream), ".yaml")), tensors =>
        {
            foreach (var key in sd15.Keys.Where(k => k.StartsWith(vaePrefix, StringComparison.Ordinal)))
                tensors[key] = sd15.Load(key);
        });

        var error = Assert.Throws<InvalidDataException>(() => CheckpointLoader.Load(path, []));

        Assert.Contains("text encoder", error.Message);
        Assert.DoesNotContain("VAE", error.Message);
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void Without_the_schedule_in_the_yaml_the_stored_betas_give_it()
    {
        var path = Copy(MultiViewModels.MvDream, OnlyHeads(MultiViewModels.MvDream));
        using var withYaml = MultiViewModels.Load(MultiViewModels.MvDream);

        using var fromBetas = LoadModel(path);

        var (expected, actual) = (new DdimScheduler(withYaml.Schedule), new DdimScheduler(fromBetas.Schedule));
        Assert.Equal(withYaml.Schedule.NumTrainTimesteps, fromBetas.Schedule.NumTrainTimesteps);
        Assert.All(expected.AlphasCumprod.Zip(actual.AlphasCumprod), p => Assert.Equal(p.First, p.Second, 1e-6f));
        Assert.Equal(TimestepSpacing.LdmUniform, fromBetas.Schedule.TimestepSpacing);
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void Betas_that_are_not_ldms_schedule_are_refused_naming_the_file()
    {
        var path = Copy(MultiViewModels.MvDream, OnlyHeads(MultiViewModels.MvDream), tensors =>
            tensors["betas"] = torch.linspace(1e-4, 0.02, tensors["betas"].shape[0], torch.float32));

        var error = Assert.Throws<NotSupportedException>(() => LoadModel(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("betas", error.Message);
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void Heads_a_width_does_not_tell_are_asked_of_a_yaml()
    {
        var path = Copy(MultiViewModels.MvDream, yaml: null);

        var error = Assert.Throws<NotSupportedException>(() => LoadModel(path));

        Assert.Contains("num_head_channels", error.Message);
    }

    [GoldenPyTorchFact(MultiviewFixture.Name)]
    public void A_pickle_gives_the_weights_of_the_safetensors_file()
    {
        var source = MultiViewModels.CheckpointPath(MultiViewModels.ImageDream);
        var pickle = Path.Combine(_folder, "imagedream.pt");
        File.Copy(Path.ChangeExtension(source, ".yaml"), Path.ChangeExtension(pickle, ".yaml"));
        ReferencePython.Run("-c", "import sys; sys.path.insert(0, sys.argv[1]); import safetensors_io, torch; torch.save(safetensors_io.read(sys.argv[2]), sys.argv[3])",
            Path.Combine(AppContext.BaseDirectory, "Data"), source, pickle);
        using var expected = MultiViewModels.Load(MultiViewModels.ImageDream);

        using var actual = LoadModel(pickle);

        var (expectedState, actualState) = (expected.Network.Module.state_dict(), actual.Network.Module.state_dict());
        Assert.Equal(expectedState.Keys.Order(), actualState.Keys.Order());
        Assert.All(expectedState, p => Assert.True(p.Value.equal(actualState[p.Key]), $"{p.Key} differs"));
        Assert.Equal(expected.Schedule, actual.Schedule);
    }

    private static Components.DiffusionModel LoadModel(string path)
    {
        using var file = TensorFile.Open(path);
        return MultiViewCheckpoint.LoadModel(file);
    }

    /// <summary>A .yaml giving only the head split (which the shapes cannot tell), as the fixture's does.</summary>
    private static string OnlyHeads(string family) =>
        $"model:\n  params:\n    unet_config:\n      params:\n        num_head_channels: {MultiViewModels.Section(family)["unet_config"]!["num_head_channels"]}\n";

    /// <summary>The family's checkpoint copied into the test's folder, its tensors edited, with <paramref name="yaml"/> beside it (none when null).</summary>
    private string Copy(string family, string? yaml, Action<Dictionary<string, Tensor>>? edit = null)
    {
        var path = Path.Combine(_folder, family + ".safetensors");
        using (var file = TensorFile.Open(MultiViewModels.CheckpointPath(family)))
        {
            var tensors = file.Keys.ToDictionary(k => k, k => file.Load(k));
            edit?.Invoke(tensors);
            SafeTensors.Save(path, tensors);
            foreach (var tensor in tensors.Values)
                tensor.Dispose();
        }
        if (yaml is not null)
            File.WriteAllText(Path.ChangeExtension(path, ".yaml"), yaml);
        return path;
    }
}
