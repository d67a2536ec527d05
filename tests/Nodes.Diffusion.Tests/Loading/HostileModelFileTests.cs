using System.Diagnostics;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Nodes.Diffusion.Tests.Pipelines;
using Workflow.NodeSdk;
using Workflow.Testing;
using Workflow.Testing.Hostile;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>
/// Model files and configs that ask for more than any model means: each is refused quickly, before weights are
/// read where it can be, with a message naming the file and the key.
/// </summary>
public sealed class HostileModelFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("workflow-hostile-models-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> ScheduleYamls => new(HostileConfigs.ScheduleYamls.Select(c => c.Name));

    public static TheoryData<string> ModelYamls => new(HostileConfigs.ModelYamls.Select(c => c.Name));

    public static TheoryData<int> DiffusersConfigs => new(Enumerable.Range(0, HostileConfigs.DiffusersConfigs.Count));

    /// <summary>A file with the three SD1.x prefixes (all empty) beside <paramref name="yaml"/>: enough to reach the YAML.</summary>
    [Theory, MemberData(nameof(ScheduleYamls))]
    public void Schedule_values_in_a_same_stem_yaml_are_refused_naming_the_file_and_key(string name)
    {
        var (_, yaml, names) = HostileConfigs.ScheduleYamls.Single(c => c.Name == name);
        var checkpoint = Path.Combine(_folder, name + ".safetensors");
        File.WriteAllBytes(checkpoint, HostileCheckpoints.VaeBlockFlood(0));
        File.WriteAllText(Path.ChangeExtension(checkpoint, ".yaml"), yaml);
        var error = Assert.Throws<InvalidDataException>(() => SingleFileCheckpoint.Load(checkpoint, []));
        Assert.StartsWith(Path.ChangeExtension(checkpoint, ".yaml") + ": ", error.Message);
        Assert.Contains(names, error.Message);
    }

    [GoldenTheory(Sd15Fixture.Name), MemberData(nameof(ModelYamls))]
    public void Model_values_in_a_same_stem_yaml_are_refused_naming_the_file_and_key(string name)
    {
        var (_, yaml, names) = HostileConfigs.ModelYamls.Single(c => c.Name == name);
        var checkpoint = Path.Combine(_folder, name + ".safetensors");
        File.CreateSymbolicLink(checkpoint, Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"));
        File.WriteAllText(Path.ChangeExtension(checkpoint, ".yaml"), yaml);
        var error = Assert.Throws<InvalidDataException>(() => SingleFileCheckpoint.Load(checkpoint, [Golden.File(Sd15Fixture.Name, "model/tokenizer")]));
        Assert.Contains(Path.ChangeExtension(checkpoint, ".yaml"), error.Message);
        Assert.Contains(names, error.Message);
    }

    [GoldenTheory(Sd15Fixture.Name), MemberData(nameof(DiffusersConfigs))]
    public void Diffusers_configs_are_refused_naming_the_file_and_key(int index)
    {
        var (component, json, names) = HostileConfigs.DiffusersConfigs[index];
        var model = Path.Combine(_folder, "model");
        foreach (var entry in Directory.EnumerateFileSystemEntries(Golden.File(Sd15Fixture.Name, "model")))
            if (Path.GetFileName(entry) != component)
                File.CreateSymbolicLink(Path.Combine(Directory.CreateDirectory(model).FullName, Path.GetFileName(entry)), entry);
        var hostile = Directory.CreateDirectory(Path.Combine(model, component)).FullName;
        foreach (var file in Directory.EnumerateFiles(Golden.File(Sd15Fixture.Name, $"model/{component}")).Where(f => !f.EndsWith("config.json", StringComparison.Ordinal)))
            File.CreateSymbolicLink(Path.Combine(hostile, Path.GetFileName(file)), file);
        var config = new DiffusersFolder(model).ConfigPath(component);
        File.WriteAllText(config, json);
        var error = Assert.Throws<InvalidDataException>(() => DiffusersCheckpoint.Load(model));
        Assert.StartsWith(config + ": ", error.Message);
        Assert.Contains(names, error.Message);
    }

    /// <summary>The fixture with 99,000 empty tensors named like VAE down blocks: counted in linear time, then refused.</summary>
    [GoldenFact(Sd15Fixture.Name)]
    public void A_flood_of_block_names_is_counted_in_linear_time_and_refused()
    {
        var checkpoint = Path.Combine(_folder, "flood.safetensors");
        var fixture = File.ReadAllBytes(Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"));
        File.WriteAllBytes(checkpoint, HostileCheckpoints.WithEmptyEntries(fixture, 99_000, i => $"first_stage_model.encoder.down.{i + 4}.block.0.conv2.weight"));
        File.Copy(Golden.File(Sd15Fixture.Name, "sd15-tiny.yaml"), Path.ChangeExtension(checkpoint, ".yaml"));
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<InvalidDataException>(() => SingleFileCheckpoint.Load(checkpoint, [Golden.File(Sd15Fixture.Name, "model/tokenizer")]));
        Assert.Equal($"{checkpoint}: VAE levels (encoder.down.N) = 99004: must be between 1 and 8", error.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
    }

    /// <summary>diffusers raises IndexError mid-run for 1,000 steps on a 1,000-step schedule with steps_offset 1; we refuse before the first step.</summary>
    [GoldenFact(Sd15Fixture.Name)]
    public void Steps_past_the_schedule_are_refused_before_sampling_naming_the_input()
    {
        using var test = new TestEngine([typeof(LoadCheckpoint).Assembly]);
        var context = new TestNodeContext(test.Engine.Paths);
        var checkpoint = new LoadCheckpoint().Execute(context, Sd15Models.Install(test.Engine.Paths.Models, Sd15Models.Folder));
        using DiffusionModel model = checkpoint.Model;
        using var clip = checkpoint.Clip;
        using var vae = checkpoint.Vae;
        using var conditioning = new ClipEncode().Execute(context, "a cat", clip);
        using var latent = new EmptyLatentImage().Execute(64, 64, 1);
        var error = Assert.Throws<InputException>(() => new DdimSample().Execute(context, model, conditioning, conditioning, latent, steps: 1000));
        Assert.Equal("steps = 1000: 1000 steps with steps_offset 1 reach timestep 1000, past the schedule's last (999); at most 999 steps fit this model (diffusers fails on it too)",
            error.Message);
        Assert.Empty(context.Progress);
    }
}
