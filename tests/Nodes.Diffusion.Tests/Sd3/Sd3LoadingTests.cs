using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.T5;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Sd3;

/// <summary>
/// SD3 loading beyond the two fixture layouts: a single file with no config folder (configurations from shapes,
/// tokenizers from models/tokenizers), one without text encoders, and weights saved in shards with an index.
/// </summary>
public sealed class Sd3LoadingTests : IDisposable
{
    private readonly TemporaryBase _base = new("sd3-loading-");

    public void Dispose() => _base.Dispose();

    /// <summary>T5's configuration from its shapes is exact (heads from the bias table), and its tokenizer comes from models/tokenizers/t5.</summary>
    [GoldenFact(Sd3Fixture.Name)]
    public void Single_file_without_configs_reads_shapes_and_the_tokenizers_folders()
    {
        var models = _base.Paths.Models;
        Sd3Models.InstallTokenizers(models);
        var checkpoint = Path.Combine(Directory.CreateDirectory(Path.Combine(models, "checkpoints")).FullName, "alone.safetensors");
        File.CreateSymbolicLink(checkpoint, Sd3Fixture.SingleFilePath);
        using var golden = Sd3Fixture.Tensors("text/text.safetensors");
        var tag = (string)Sd3Fixture.TokenizedPrompts[0]!["tag"]!;
        int length = Sd3Fixture.T5Lengths(Sd3Fixture.Prompt(tag)).Max();

        var loaded = CheckpointLoader.Load(checkpoint, [Path.Combine(models, "tokenizers", "clip_l")]);
        using var model = loaded.Model;
        using var vae = loaded.Vae;
        using var clip = Assert.IsType<Sd3Clip>(loaded.Clip);
        using var conditioning = clip.Encode((string)Sd3Fixture.Prompt(tag)["prompt"]!, length, NullLogger.Instance);

        using var scope = torch.NewDisposeScope();
        long clipTokens = clip.ClipL.Encoder.Config.MaxPositionEmbeddings;
        var t5Rows = conditioning.Entries[0].Embeddings.narrow(1, clipTokens, length);
        golden.AssertMatches($"{tag}.t5_{length}", t5Rows);
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void Single_file_without_text_encoders_gives_a_clip_that_says_where_they_come_from()
    {
        var path = Path.Combine(_base.Root, "no-clips.safetensors");
        using (var file = SafeTensorsFile.Open(Sd3Fixture.SingleFilePath))
        {
            var kept = file.Keys.Where(k => !k.StartsWith("text_encoders.", StringComparison.Ordinal)).ToDictionary(k => k, k => file.Load(k));
            SafeTensors.Save(path, kept);
            foreach (var tensor in kept.Values)
                tensor.Dispose();
        }
        var loaded = CheckpointLoader.Load(path, [Path.Combine(_base.Root, "tokenizers", "clip_l")]);
        using var model = loaded.Model;
        using var vae = loaded.Vae;
        using var clip = loaded.Clip;

        var error = Assert.Throws<InvalidOperationException>(() => clip.Encode("a cat", 256, NullLogger.Instance));

        Assert.Equal($"{path} contains no text encoders: load CLIP-L, CLIP-G and T5 with TripleCLIPLoader.", error.Message);
    }

    /// <summary>transformers' sharded save (model-0000N-of-0000M.safetensors with model.safetensors.index.json) loads as the single file does.</summary>
    [GoldenFact(Sd3Fixture.Name)]
    public void Sharded_weights_load_through_their_index()
    {
        var component = Directory.CreateDirectory(Path.Combine(_base.Root, "pipeline", "text_encoder_3")).FullName;
        File.Copy(Path.Combine(Sd3Fixture.DiffusersPath, "text_encoder_3", "config.json"), Path.Combine(component, "config.json"));
        var weightMap = new JsonObject();
        using (var file = SafeTensorsFile.Open(Path.Combine(Sd3Fixture.DiffusersPath, "text_encoder_3", "model.safetensors")))
        {
            var keys = file.Keys.Order(StringComparer.Ordinal).ToList();
            foreach (var (shard, part) in new[] { ("model-00001-of-00002.safetensors", keys[..(keys.Count / 2)]), ("model-00002-of-00002.safetensors", keys[(keys.Count / 2)..]) })
            {
                var tensors = part.ToDictionary(k => k, k => file.Load(k));
                SafeTensors.Save(Path.Combine(component, shard), tensors);
                foreach (var (key, tensor) in tensors)
                {
                    weightMap[key] = shard;
                    tensor.Dispose();
                }
            }
        }
        File.WriteAllText(Path.Combine(component, "model.safetensors.index.json"), new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = weightMap }.ToJsonString());
        var sharded = new DiffusersFolder(Path.Combine(_base.Root, "pipeline"));
        string[] ignore = [@"^encoder\.embed_tokens\.weight$"];

        using var fromShards = sharded.Load(new T5EncoderModel(T5Config.FromJson(sharded.Config("text_encoder_3"))), "text_encoder_3", "model", ignore);
        using var whole = Sd3Fixture.Folder.Load(new T5EncoderModel(T5Config.FromJson(sharded.Config("text_encoder_3"))), "text_encoder_3", "model", ignore);

        foreach (var (key, tensor) in whole.state_dict())
        {
            using var equal = tensor.eq(fromShards.state_dict()[key]).all();
            Assert.True(equal.item<bool>(), key);
        }
    }

    [Fact]
    public void An_index_naming_a_shard_outside_its_folder_is_refused()
    {
        var index = Path.Combine(_base.Root, "model.safetensors.index.json");
        File.WriteAllText(index, """{"weight_map": {"shared.weight": "../elsewhere/model.safetensors"}}""");

        var error = Assert.Throws<InvalidDataException>(() => ShardedTensorFile.Open(index));

        Assert.Equal($"{index}: shard '../elsewhere/model.safetensors' is not in the index's folder", error.Message);
    }
}
