using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Pipelines;

/// <summary>
/// The text-to-image nodes, called one after another as the workflow wires them, reproduce diffusers'
/// StableDiffusionPipeline run of the fixture (the call e2e/e2e.json records) from both checkpoint layouts.
/// </summary>
public sealed class Sd15NodesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sd15-nodes-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Layouts => [Sd15Models.Folder, Sd15Models.SingleFile];

    [GoldenTheory(Sd15Fixture.Name)]
    [MemberData(nameof(Layouts))]
    public void Text_to_image_reproduces_the_diffusers_pipeline(string layout)
    {
        var paths = new NodePaths(Path.Combine(_root, "models"), Path.Combine(_root, "input"), Path.Combine(_root, "output"), Path.Combine(_root, "temp"));
        var ckptName = Sd15Models.Install(paths.Models, layout);
        var context = new TestNodeContext(paths);
        var call = Sd15PipelineCall.Read();
        using var golden = Sd15Fixture.Tensors("e2e/e2e.safetensors");
        using var scope = torch.NewDisposeScope();

        var checkpoint = new LoadCheckpoint().Execute(context, ckptName);
        using var model = checkpoint.Model;
        using var clip = Assert.IsType<Components.ClipModel>(checkpoint.Clip);
        using var vae = checkpoint.Vae;
        golden.AssertMatches("prompt_input_ids", PaddedIds(clip, call.Prompt));
        golden.AssertMatches("negative_prompt_input_ids", PaddedIds(clip, call.NegativePrompt));
        using var positive = new ClipEncode().Execute(context, call.Prompt, clip);
        using var negative = new ClipEncode().Execute(context, call.NegativePrompt, clip);
        golden.AssertMatches("prompt_embeds", positive.Entries[0].Embeddings);
        golden.AssertMatches("negative_prompt_embeds", negative.Entries[0].Embeddings);

        using var empty = new EmptyLatentImage().Execute(call.Width, call.Height, call.BatchSize);
        using (var generator = SeededNoise.Generator(call.Seed))
            golden.AssertMatches("initial_latents", SeededNoise.Draw(generator, empty.Samples.shape));
        golden.AssertMatches("timesteps", torch.tensor<long>(new DdimScheduler(model.Schedule).Timesteps(call.Steps)));

        using var latent = new DdimSample().Execute(context, model, positive, negative, empty, call.Seed, call.Steps, call.Guidance, call.Eta);
        golden.AssertMatches("final_latents", latent.Samples * model.LatentFormat.ScaleFactor);
        Assert.Equal(Enumerable.Range(1, call.Steps).Select(i => ((long)i, (long)call.Steps)), context.Progress);

        using var image = new VaeDecode().Execute(latent, vae);
        golden.AssertMatches("image", image.Pixels);
        var raster = ImageConversion.ToRaster(image.Pixels[0]);
        golden.AssertMatches("image_uint8", torch.tensor<byte>(raster.Pixels, [1, raster.Height, raster.Width, raster.Channels]));
    }

    /// <summary>The prompt's ids as the pipeline's tokenizer call gives them: padded to the encoder's positions, batch of one.</summary>
    private static Tensor PaddedIds(Components.ClipModel clip, string prompt)
    {
        var ids = clip.Tokenizer.EncodePadded(prompt, clip.Encoder.Config.MaxPositionEmbeddings).Ids;
        return torch.tensor<long>([.. ids.Select(i => (long)i)], [1, ids.Length]);
    }
}

/// <summary>VAEEncode on ComfyUI's IMAGE layout gives diffusers' latent distribution mean.</summary>
public sealed class VaeEncodeNodeTests
{
    [GoldenFact(Sd15Fixture.Name)]
    public void Encoding_an_image_gives_the_latent_mean_of_diffusers()
    {
        using var golden = Sd15Fixture.Tensors("components/vae_encode.safetensors");
        using var vae = new Workflow.Nodes.Diffusion.Components.ImageVae(Sd15Fixture.Folder.LoadVae());
        using var scope = torch.NewDisposeScope();
        // [-1, 1] NCHW → ComfyUI's IMAGE: [0, 1] NHWC
        using var image = new Workflow.NodeSdk.Data.ImageBatch(((golden.Load("image") + 1.0) / 2.0).permute(0, 2, 3, 1).contiguous());

        using var latent = new VaeEncode().Execute(image, vae);

        golden.AssertMatches("latent_dist_mean", latent.Samples);
    }
}
