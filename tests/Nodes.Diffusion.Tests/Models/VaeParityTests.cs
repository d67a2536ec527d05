using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>The VAE matches diffusers' AutoencoderKL on sd15-tiny, decoding and encoding, block by block.</summary>
public sealed class VaeParityTests
{
    [Testing.GoldenFact(Sd15Fixture.Name)]
    public void Decode_matches_diffusers()
    {
        using var golden = Sd15Fixture.Tensors("components/vae_decode.safetensors");
        using var vae = Sd15Fixture.Folder.LoadVae();
        using var scope = torch.NewDisposeScope();
        using var captured = new CapturedTensors();

        var decoded = vae.Decode(golden.Load("vae_input"), captured);

        golden.AssertAllRecorded("intermediate.", captured.Tensors);
        golden.AssertMatches("decoded", decoded);
    }

    [Testing.GoldenFact(Sd15Fixture.Name)]
    public void Encode_matches_diffusers()
    {
        using var golden = Sd15Fixture.Tensors("components/vae_encode.safetensors");
        using var vae = Sd15Fixture.Folder.LoadVae();
        using var scope = torch.NewDisposeScope();
        using var captured = new CapturedTensors();

        using var distribution = vae.Encode(golden.Load("image"), captured);

        golden.AssertAllRecorded("intermediate.", captured.Tensors);
        golden.AssertMatches("latent_dist_mean", distribution.Mean);
        golden.AssertMatches("latent_dist_logvar", distribution.LogVar);
        golden.AssertMatches("latent_dist_std", distribution.Std());
    }
}
