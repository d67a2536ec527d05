using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Imaging;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Text;
using Workflow.Nodes.Diffusion.Tests.Loading;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Text;

/// <summary>
/// The CLIP vocabulary shipped inside the plugin is the fixture's tokenizer, file for file (the SHA-256 the manifest
/// records), and a single-file checkpoint with no tokenizer files anywhere tokenizes and encodes every golden prompt
/// as with the fixture's tokenizer folder.
/// </summary>
public sealed class BundledClipVocabularyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("workflow-bundled-vocab-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static JsonArray Prompts() => Golden.Json(Sd15Fixture.Name, "tokenizer/tokenizer_golden.json")["prompts"]!.AsArray();

    [GoldenTheory(Sd15Fixture.Name)]
    [InlineData("vocab.json")]
    [InlineData("merges.txt")]
    public void Each_bundled_file_is_the_fixture_tokenizer_file(string name)
    {
        var recorded = Golden.Json(Sd15Fixture.Name, "manifest.json")["files"]!.AsArray().Single(f => (string)f!["path"]! == "model/tokenizer/" + name)!;
        var bundled = BundledClipVocabulary.Read(name);
        Assert.Equal((long)recorded["bytes"]!, bundled.LongLength);
        Assert.Equal((string)recorded["sha256"]!, Convert.ToHexStringLower(SHA256.HashData(bundled)));
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void A_single_file_without_tokenizer_files_tokenizes_every_golden_prompt_as_the_fixture()
    {
        var checkpoint = LinkFixtureCheckpoint();
        var loaded = CheckpointLoader.Load(checkpoint, [Path.Combine(_folder, "tokenizers", "clip_l")]);
        try
        {
            var tokenizer = ((ClipModel)loaded.Clip).Tokenizer;
            foreach (var prompt in Prompts())
            {
                var expected = prompt!["input_ids"]!.AsArray().Select(n => (int)n!).ToArray();
                Assert.Equal(expected, tokenizer.EncodePadded((string)prompt["text"]!, expected.Length).Ids);
            }
        }
        finally
        {
            SameWeights.Dispose(loaded);
        }
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void A_single_file_without_tokenizer_files_encodes_the_golden_prompts_as_with_the_fixture_tokenizer()
    {
        var checkpoint = LinkFixtureCheckpoint();
        var bundled = CheckpointLoader.Load(checkpoint, []);
        var fixture = CheckpointLoader.Load(checkpoint, [Golden.File(Sd15Fixture.Name, "model/tokenizer")]);
        try
        {
            foreach (var text in Prompts().Select(p => (string)p!["text"]!))
            {
                using var expected = fixture.Clip.Encode(text, 77, NullLogger.Instance);
                using var actual = bundled.Clip.Encode(text, 77, NullLogger.Instance);
                Assert.True(expected.Entries[0].Embeddings.equal(actual.Entries[0].Embeddings), $"prompt '{text}' encodes differently");
            }
        }
        finally
        {
            SameWeights.Dispose(bundled, fixture);
        }
    }

    /// <summary>ComfyUI's API example on a single file dropped into models/checkpoints/ alone draws what it draws with the fixture's tokenizer installed.</summary>
    [GoldenFact(Sd15Fixture.Name)]
    public void ComfyUIs_example_runs_on_a_dropped_in_single_file_as_with_the_tokenizer_installed() =>
        Assert.Equal(DrawComfyUIsExample(tokenizerInstalled: true).Pixels, DrawComfyUIsExample(tokenizerInstalled: false).Pixels);

    private static RasterImage DrawComfyUIsExample(bool tokenizerInstalled)
    {
        using var test = new TestEngine([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly]);
        var checkpoints = Directory.CreateDirectory(test.Engine.Paths.ModelFolder("checkpoints")).FullName;
        File.CreateSymbolicLink(Path.Combine(checkpoints, "sd15-tiny.safetensors"), Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"));
        File.CreateSymbolicLink(Path.Combine(checkpoints, "sd15-tiny.yaml"), Golden.File(Sd15Fixture.Name, "sd15-tiny.yaml"));
        if (tokenizerInstalled)
            Directory.CreateSymbolicLink(Path.Combine(Directory.CreateDirectory(test.Engine.Paths.ModelFolder("tokenizers")).FullName, "clip_l"),
                Golden.File(Sd15Fixture.Name, "model/tokenizer"));
        var workflow = FixtureModels.Workflow("comfyui_txt2img.json").Replace("\"sd15-tiny\"", "\"sd15-tiny.safetensors\"", StringComparison.Ordinal);
        return test.SavedImage(test.RunSucceeded(workflow), "9");
    }

    /// <summary>A tokenizer folder beside the checkpoint still wins over the bundled vocabulary.</summary>
    [GoldenFact(Sd15Fixture.Name)]
    public void A_stem_tokenizer_folder_overrides_the_bundled_vocabulary()
    {
        var checkpoint = LinkFixtureCheckpoint();
        var own = Directory.CreateDirectory(Path.ChangeExtension(checkpoint, ".tokenizer")).FullName;
        File.WriteAllText(Path.Combine(own, "vocab.json"), """{"a</w>": 0, "<|startoftext|>": 1, "<|endoftext|>": 2}""");
        File.WriteAllText(Path.Combine(own, "merges.txt"), "#version: 0.2\n");
        var loaded = CheckpointLoader.Load(checkpoint, []);
        try
        {
            Assert.Equal([1, 0, 2], ((ClipModel)loaded.Clip).Tokenizer.Encode("a"));
        }
        finally
        {
            SameWeights.Dispose(loaded);
        }
    }

    private string LinkFixtureCheckpoint()
    {
        var checkpoint = Path.Combine(_folder, "sd15-tiny.safetensors");
        File.CreateSymbolicLink(checkpoint, Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"));
        File.CreateSymbolicLink(Path.ChangeExtension(checkpoint, ".yaml"), Golden.File(Sd15Fixture.Name, "sd15-tiny.yaml"));
        return checkpoint;
    }
}
