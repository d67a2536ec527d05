using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.MultiView;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Loading;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.MultiView;

/// <summary>
/// LoadCheckpoint on whole MVDream and ImageDream files, as setup links them (scripts/make-tiny-multiview.py completes
/// the fixture's UNets with sd15-tiny's VAE and random OpenCLIP towers): MODEL, CLIP and VAE come out, each holding the
/// weights it was made from, and CLIP encodes as MVDream's FrozenOpenCLIPEmbedder (penultimate layer, '!' padding).
/// </summary>
public sealed class CompletedCheckpointTests : IDisposable
{
    private readonly TemporaryBase _base = new("multiview-completed-");

    public CompletedCheckpointTests() => FixtureModels.Install(_base.Root);

    public void Dispose() => _base.Dispose();

    /// <summary>Each family's linked file.</summary>
    public static TheoryData<string, string> Families => new()
    {
        { MultiViewModels.MvDream, "mvdream-tiny.safetensors" },
        { MultiViewModels.ImageDream, "imagedream-tiny.safetensors" },
    };

    /// <summary>Each linked file and where it keeps its text tower (its LatentDiffusionInterface's attribute), for the reference to read.</summary>
    public static TheoryData<string, string> TextTowers => new()
    {
        { "mvdream-tiny.safetensors", "cond_stage_model.model." },
        { "imagedream-tiny.safetensors", "clip_model.model." },
    };

    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(Families))]
    public void LoadCheckpoint_gives_the_fixtures_unet_and_sd15_tinys_vae(string family, string file)
    {
        using var unet = MultiViewModels.Load(family);
        using var vae = Sd15Fixture.Folder.LoadVae();

        var loaded = Load(file);
        try
        {
            Assert.Equal(family == MultiViewModels.ImageDream, ((MultiViewUNetModel)loaded.Model.Network).ImageEmbed is not null);
            SameWeights.Component("unet", unet.Network.Module, loaded.Model.Network.Module);
            SameWeights.Component("vae", vae, loaded.Vae.Autoencoder);
            Assert.Equal(unet.Schedule, loaded.Model.Schedule);
            Assert.Equal(vae.Config.ScalingFactor, loaded.Model.LatentFormat.ScaleFactor);
        }
        finally
        {
            SameWeights.Dispose(loaded);
        }
    }

    [GoldenPyTorchTheory(MultiviewFixture.Name)]
    [MemberData(nameof(TextTowers))]
    public void Clip_encodes_as_FrozenOpenCLIPEmbedder_at_the_penultimate_layer(string file, string textPrefix)
    {
        var loaded = Load(file);
        try
        {
            var clip = Assert.IsType<ClipModel>(loaded.Clip);
            var tokens = clip.Tokenizer.EncodePadded("a DSLR photo of a red chair", clip.Encoder.Config.MaxPositionEmbeddings);
            var end = Array.IndexOf(tokens.Ids, clip.Tokenizer.Special.End);
            Assert.All(tokens.Ids[(end + 1)..], id => Assert.Equal(0, id));   // open_clip.tokenize fills a zeros tensor: token 0 is "!"

            using var conditioning = clip.Encode("a DSLR photo of a red chair", NullLogger.Instance);
            using var expected = Reference(Path.Combine(_base.Paths.ModelFolder("checkpoints"), file), textPrefix, tokens.Ids);

            var embeddings = conditioning.Entries[0].Embeddings;
            Assert.Equal(expected.shape, embeddings.shape);
            var worst = (expected - embeddings).abs().max().item<float>();
            Assert.True(worst <= 1e-5, $"{file}: the text states differ from FrozenOpenCLIPEmbedder's by {worst}");
        }
        finally
        {
            SameWeights.Dispose(loaded);
        }
    }

    private LoadedCheckpoint Load(string file) =>
        CheckpointLoader.Load(Path.Combine(_base.Paths.ModelFolder("checkpoints"), file), [Path.Combine(_base.Paths.Models, "tokenizers", "clip_l")]);

    /// <summary>Data/openclip_text.py's states for <paramref name="ids"/>, read from the checkpoint's own keys.</summary>
    private Tensor Reference(string checkpoint, string prefix, int[] ids)
    {
        var output = Path.Combine(_base.Root, "openclip_text.pt");
        ReferencePython.Run(Path.Combine(AppContext.BaseDirectory, "Data", "openclip_text.py"), checkpoint, prefix, string.Join(',', ids), output);
        using var file = TensorFile.Open(output);
        return file.Load("z");
    }
}
