using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Ltx2Vae;

/// <summary>
/// VAEEncode, VAEDecode and VAEEncodeFirstFrame on the LTX-2 video VAE: ComfyUI's IMAGE frames in, 5-D normalised
/// LATENT video out and back, equal to what SANA-WM's pipeline makes from the same pixels and latents.
/// </summary>
public sealed class Ltx2VaeNodeTests
{
    private const string Fixture = Ltx2VaeFixture.Name;

    [GoldenFact(Fixture)]
    public void VAEDecode_of_a_video_latent_gives_each_frame_as_an_image()
    {
        using var golden = Ltx2VaeFixture.Tensors("decode.safetensors");
        using var vae = new VideoVae(Ltx2VaeFixture.Load());
        using var scope = torch.NewDisposeScope();
        var sample = golden.Load("decode.output.sample");                     // [B, 3, F, H, W] in [-1, 1]

        using var frames = new VaeDecode().Execute(new Latent(golden.Load("decode.input.latents")), vae);

        var expected = torch.clamp(sample / 2 + 0.5, 0.0, 1.0).permute(0, 2, 3, 4, 1).flatten(0, 1);
        Assert.Equal(expected.shape, frames.Pixels.shape);
        var worst = (frames.Pixels - expected).abs().max().item<float>();
        Assert.True(worst <= golden.Tolerance("decode.output.sample"), $"frames differ from the decoded video by {worst}");
    }

    [GoldenFact(Fixture)]
    public void VAEEncode_reads_the_image_batch_as_the_frames_of_one_video()
    {
        using var golden = Ltx2VaeFixture.Tensors("encode.safetensors");
        using var vae = new VideoVae(Ltx2VaeFixture.Load());
        using var scope = torch.NewDisposeScope();
        using var frames = new ImageBatch(Frames(golden.Load("encode.input.video")));

        using var latent = new VaeEncode().Execute(frames, vae);

        golden.AssertMatches("encode.latent_dist.mode", vae.Autoencoder.DenormalizeLatents(latent.Samples));
    }

    [GoldenFact(Fixture)]
    public void VAEEncodeFirstFrame_gives_sana_wms_first_frame_latent()
    {
        using var golden = Ltx2VaeFixture.Tensors("first_frame.safetensors");
        using var vae = new VideoVae(Ltx2VaeFixture.Load());
        using var scope = torch.NewDisposeScope();
        using var image = new ImageBatch(((golden.Load("first_frame_tiled.input.pixel_values") + 1.0) / 2.0).permute(0, 2, 3, 1).contiguous());

        using var latent = new VaeEncodeFirstFrame().Execute(image, vae);

        golden.AssertMatches("first_frame_tiled.output.latents", latent.Samples);
    }

    public static TheoryData<int> TimestepDecodes => Golden.Rows(Fixture, () => Ltx2VaeFixture.TimestepDecodes().Select(d => d.Index), 0);

    [GoldenTheory(Fixture)]
    [MemberData(nameof(TimestepDecodes))]
    public void A_timestep_conditioned_vae_decodes_as_ltx2_pipeline_with_its_settings(int index)
    {
        var (_, settings, seed) = Ltx2VaeFixture.TimestepDecodes().ElementAt(index);
        using var golden = Ltx2VaeFixture.Tensors("decode_tc.safetensors");
        using var vae = new VideoVae(Ltx2VaeFixture.Load("model_tc"), settings, seed);
        using var scope = torch.NewDisposeScope();

        var video = vae.DecodeLatents(golden.Load($"tc{index}.input.latents"));

        golden.AssertMatches($"tc{index}.output.sample", video);
    }

    [GoldenFact(Fixture)]
    public void Latents_of_the_wrong_kind_are_refused_naming_the_input()
    {
        using var video = new VideoVae(Ltx2VaeFixture.Load());
        using var image = new ImageVae(Sd15Fixture.Folder.LoadVae());
        using var scope = torch.NewDisposeScope();

        var imageLatent = Assert.Throws<InputException>(() => new VaeDecode().Execute(new Latent(torch.zeros([1, 4, 2, 2])), video));
        var videoLatent = Assert.Throws<InputException>(() => new VaeDecode().Execute(new Latent(torch.zeros([1, 4, 2, 2, 2])), image));

        Assert.Equal(("samples", "samples = 'latent of shape [1, 4, 2, 2]': the LTX-2 video VAE decodes a video latent [B, 4, T, H, W]"),
            (imageLatent.InputName, imageLatent.Message));
        Assert.Equal("samples", videoLatent.InputName);
        Assert.Contains("an image latent [B, 4, H, W]", videoLatent.Message);
    }

    [GoldenFact(Fixture)]
    public void A_frame_count_the_video_vae_cannot_encode_is_refused()
    {
        using var vae = new VideoVae(Ltx2VaeFixture.Load());
        using var scope = torch.NewDisposeScope();
        using var frames = new ImageBatch(torch.rand([8, 64, 64, 3]));

        var error = Assert.Throws<InputException>(() => new VaeEncode().Execute(frames, vae));

        Assert.Equal("pixels = '8 frames': the LTX-2 video VAE encodes 1 + 8k frames (1, 9, 17, ...)", error.Message);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void The_first_frame_encode_refuses_an_image_vae()
    {
        using var vae = new ImageVae(Sd15Fixture.Folder.LoadVae());
        using var scope = torch.NewDisposeScope();
        using var image = new ImageBatch(torch.rand([1, 64, 64, 3]));

        var error = Assert.Throws<InputException>(() => new VaeEncodeFirstFrame().Execute(image, vae));

        Assert.Equal("vae", error.InputName);
        Assert.Contains("needs the LTX-2 video VAE", error.Message);
    }

    /// <summary>A video [1, 3, F, H, W] in [-1, 1] as ComfyUI's IMAGE frames [F, H, W, 3] in [0, 1].</summary>
    private static Tensor Frames(Tensor video) => ((video[0] + 1.0) / 2.0).permute(1, 2, 3, 0).contiguous();
}
