using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Loading.Sd3;
using Workflow.Nodes.Diffusion.Models.Sd3;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.Sd3;

/// <summary>
/// The MM-DiT matches diffusers' SD3Transformer2DModel at every call the fixture records (transformer/transformer.safetensors:
/// each module's output the generator hooked, and the velocity), loaded from the diffusers folder, and from the
/// single file with its configuration read from the shapes.
/// </summary>
public sealed class Sd3TransformerParityTests
{
    private const string File = "transformer/transformer.safetensors";

    /// <summary>Indices of the recorded calls (the tensors of call k are named "call&lt;k&gt;.*").</summary>
    public static TheoryData<int> Calls() =>
        Golden.Rows(Sd3Fixture.Name, () => Enumerable.Range(0, Sd3Fixture.Goldens("transformer")["calls"]!.AsArray().Count), 0);

    [GoldenTheory(Sd3Fixture.Name)]
    [MemberData(nameof(Calls))]
    public void Velocity_and_every_block_match_diffusers(int call)
    {
        using var transformer = Sd3DiffusersCheckpoint.LoadTransformer(Sd3Fixture.Folder);
        AssertCallMatches(transformer, call);
    }

    [GoldenTheory(Sd3Fixture.Name)]
    [MemberData(nameof(Calls))]
    public void Single_file_with_configuration_from_shapes_matches_diffusers(int call)
    {
        using var transformer = LoadSingleFile();
        AssertCallMatches(transformer, call);
    }

    /// <summary>convert_sd3_transformer_checkpoint_to_diffusers' mapping is a bijection: both layouts hold the same numbers.</summary>
    [GoldenFact(Sd3Fixture.Name)]
    public void Single_file_weights_equal_the_diffusers_folder_bit_for_bit()
    {
        using var fromFolder = Sd3DiffusersCheckpoint.LoadTransformer(Sd3Fixture.Folder);
        using var fromFile = LoadSingleFile();
        var expected = fromFolder.state_dict();
        var actual = fromFile.state_dict();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, tensor) in expected)
        {
            using var equal = tensor.eq(actual[key]).all();
            Assert.True(equal.item<bool>(), $"{key} differs between the layouts");
        }
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void Configuration_read_from_the_shapes_equals_the_diffusers_config()
    {
        using var file = TensorFile.Open(Sd3Fixture.SingleFilePath);
        var fromShapes = Sd3Configs.Transformer(new CheckpointShapes(file, "model.diffusion_model.", Sd3Fixture.SingleFilePath));
        var fromFolder = Sd3TransformerConfig.FromJson(Sd3Fixture.Folder.Config("transformer"));
        // sample_size only seeds a position table that both layouts store: the shapes cannot tell it, nor need to.
        Assert.Equal(fromFolder with { SampleSize = 0, DualAttentionLayers = [] }, fromShapes with { SampleSize = 0, DualAttentionLayers = [] });
        Assert.Equal(fromFolder.DualAttentionLayers, fromShapes.DualAttentionLayers);
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void Stored_position_table_is_the_reference_table()
    {
        using var golden = Sd3Fixture.Tensors(File);
        using var transformer = Sd3DiffusersCheckpoint.LoadTransformer(Sd3Fixture.Folder);
        golden.AssertMatches("pos_embed_table", transformer.state_dict()["pos_embed.pos_embed"]);
    }

    private static void AssertCallMatches(SD3Transformer2DModel transformer, int call)
    {
        using var golden = Sd3Fixture.Tensors(File);
        using var scope = torch.NewDisposeScope();
        using var captured = new CapturedTensors();
        var timestep = golden.Load($"call{call}.timestep");

        var velocity = transformer.Forward(golden.Load("hidden_states"), timestep, golden.Load("encoder_hidden_states"), golden.Load("pooled_projections"), captured);

        captured.Record("output", velocity);
        captured.Record("timestep", timestep);
        golden.AssertAllRecorded($"call{call}.", captured.Tensors);
    }

    private static SD3Transformer2DModel LoadSingleFile()
    {
        using var file = TensorFile.Open(Sd3Fixture.SingleFilePath);
        const string prefix = "model.diffusion_model.";
        var config = Sd3Configs.Transformer(new CheckpointShapes(file, prefix, Sd3Fixture.SingleFilePath));
        var transformer = new SD3Transformer2DModel(config);
        transformer.load_state_dict(new Sd3TransformerKeys(file, prefix));
        return transformer;
    }
}
