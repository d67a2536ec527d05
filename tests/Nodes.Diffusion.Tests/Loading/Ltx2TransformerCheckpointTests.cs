using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.Ltx2;
using Workflow.Nodes.Diffusion.Tests.Refining;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>
/// The LTX-2 transformer loads from each of diffusers' layouts with the same weights: its folder, a lone weights file
/// (configuration from tensor shapes), shards listed by an index; the audio stream's weights are skipped, anything
/// else missing is named, and configuration options this port lacks are refused naming the key.
/// </summary>
public sealed class Ltx2TransformerCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ltx2-loader-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string FixtureWeights => Path.Combine(RefinerFixture.TransformerFolder, LTX2TransformerCheckpoint.WeightsName);

    private static void AssertSameWeights(Module expected, Module actual)
    {
        var (a, b) = (expected.state_dict(), actual.state_dict());
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.All(a, p => Assert.True(p.Value.equal(b[p.Key]), p.Key));
    }

    [GoldenFact(RefinerFixture.Name)]
    public void A_lone_weights_file_takes_its_configuration_from_its_shapes()
    {
        var lone = Path.Combine(_folder, "ltx2.safetensors");
        File.CreateSymbolicLink(lone, FixtureWeights);
        using var fromFolder = LTX2TransformerCheckpoint.Load(RefinerFixture.TransformerFolder, torch.float32);
        using var fromFile = LTX2TransformerCheckpoint.Load(lone, torch.float32);

        var (expected, actual) = (fromFolder.Config, fromFile.Config);
        Assert.Equal((expected.InChannels, expected.OutChannelsOrIn, expected.NumAttentionHeads, expected.AttentionHeadDim, expected.CrossAttentionDim,
                expected.CaptionChannels, expected.NumLayers, expected.GatedAttn, expected.AttentionBias, expected.FfBias),
            (actual.InChannels, actual.OutChannelsOrIn, actual.NumAttentionHeads, actual.AttentionHeadDim, actual.CrossAttentionDim,
                actual.CaptionChannels, actual.NumLayers, actual.GatedAttn, actual.AttentionBias, actual.FfBias));
        AssertSameWeights(fromFolder, fromFile);
    }

    [GoldenFact(RefinerFixture.Name)]
    public void Shards_listed_by_an_index_load_the_same_weights_by_folder_or_by_any_shard()
    {
        using var scope = torch.NewDisposeScope();
        var tensors = SafeTensors.LoadAll(FixtureWeights);
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var map = new JsonObject();
        for (var shard = 0; shard < 2; shard++)
        {
            var file = $"diffusion_pytorch_model-0000{shard + 1}-of-00002.safetensors";
            var part = names.Where((_, i) => i % 2 == shard).ToDictionary(n => n, n => tensors[n]);
            SafeTensors.Save(Path.Combine(_folder, file), part);
            foreach (var name in part.Keys)
                map[name] = file;
        }
        File.WriteAllText(Path.Combine(_folder, LTX2TransformerCheckpoint.WeightsName + ".index.json"), new JsonObject { ["weight_map"] = map }.ToJsonString());
        File.Copy(Path.Combine(RefinerFixture.TransformerFolder, "config.json"), Path.Combine(_folder, "config.json"));

        using var whole = LTX2TransformerCheckpoint.Load(RefinerFixture.TransformerFolder, torch.float32);
        using var sharded = LTX2TransformerCheckpoint.Load(_folder, torch.float32);
        using var byShard = LTX2TransformerCheckpoint.Load(Path.Combine(_folder, "diffusion_pytorch_model-00002-of-00002.safetensors"), torch.float32);
        AssertSameWeights(whole, sharded);
        AssertSameWeights(whole, byShard);
    }

    [GoldenFact(RefinerFixture.Name)]
    public void The_audio_stream_is_skipped_and_a_missing_video_weight_is_named()
    {
        using var scope = torch.NewDisposeScope();
        var tensors = SafeTensors.LoadAll(FixtureWeights);
        Assert.Contains(tensors.Keys, k => k.StartsWith("audio_", StringComparison.Ordinal));
        using (var model = LTX2TransformerCheckpoint.Load(RefinerFixture.TransformerFolder, torch.float32))
            Assert.DoesNotContain(model.state_dict().Keys, k => k.Contains("audio", StringComparison.Ordinal));

        tensors.Remove("transformer_blocks.1.attn2.to_gate_logits.weight");
        var broken = Path.Combine(_folder, "broken.safetensors");
        SafeTensors.Save(broken, tensors);
        File.Copy(Path.Combine(RefinerFixture.TransformerFolder, "config.json"), Path.Combine(_folder, "config.json"));
        var error = Assert.Throws<StateDictException>(() => LTX2TransformerCheckpoint.Load(broken, torch.float32));
        Assert.Contains("transformer_blocks.1.attn2.to_gate_logits.weight", error.Message);
    }

    [Theory]
    [InlineData("""{"cross_attn_mod": true}""", "cross_attn_mod")]
    [InlineData("""{"use_keyframes_abs_pos_embedding": true}""", "use_keyframes_abs_pos_embedding")]
    [InlineData("""{"rope_type": "spiral"}""", "rope_type")]
    [InlineData("""{"attention_head_dim": 7}""", "attention_head_dim")]
    [InlineData("""{"num_layers": 100000}""", "num_layers")]
    public void Options_this_port_lacks_and_sizes_no_model_has_are_refused_naming_the_key(string json, string key)
    {
        var error = Record.Exception(() => LTX2VideoTransformerConfig.FromJson(json, "config.json"));
        Assert.True(error is NotSupportedException or InvalidDataException, error?.GetType().Name);
        Assert.Contains(key, error!.Message);
    }
}
