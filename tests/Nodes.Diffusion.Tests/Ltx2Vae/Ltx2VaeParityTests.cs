using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Models.Ltx2Vae;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Ltx2Vae;

/// <summary>
/// The LTX-2 video VAE matches diffusers' AutoencoderKLLTX2Video and SANA-WM's first-frame encode and latent decode on
/// ltx2-vae-tiny, block by block: every tensor of its files within the manifest's tolerances.
/// </summary>
public sealed class Ltx2VaeParityTests
{
    private const string Fixture = Ltx2VaeFixture.Name;

    [GoldenFact(Fixture)]
    public void Encode_matches_diffusers()
    {
        using var golden = Ltx2VaeFixture.Tensors("encode.safetensors");
        using var vae = Ltx2VaeFixture.Load();
        using var scope = torch.NewDisposeScope();
        using var captured = new CapturedTensors();
        var video = golden.Load("encode.input.video");

        using var posterior = vae.Encode(video, Ltx2VaeTiling.None, capture: captured);

        golden.AssertAllRecorded("encode.", Ltx2VaeFixture.Produced(captured.Tensors, ("input.video", video),
            ("latent_dist.mean", posterior.Mean), ("latent_dist.logvar", posterior.LogVar), ("latent_dist.std", posterior.Std()),
            ("latent_dist.mode", posterior.Mean)));
    }

    [GoldenFact(Fixture)]
    public void First_frame_encode_matches_sana_wm()
    {
        using var golden = Ltx2VaeFixture.Tensors("first_frame.safetensors");
        using var vae = Ltx2VaeFixture.Load();
        using var scope = torch.NewDisposeScope();
        using var captured = new CapturedTensors();
        var pixels = golden.Load("first_frame.input.pixel_values");

        var vaeInput = pixels.unsqueeze(2);
        using var posterior = vae.Encode(vaeInput, Ltx2VaeFixture.SanaWmTiling, capture: captured);
        var latents = vae.NormalizeLatents(posterior.Mean);

        golden.AssertAllRecorded("first_frame.", Ltx2VaeFixture.Produced(captured.Tensors, ("input.pixel_values", pixels), ("vae_input", vaeInput),
            ("latent_dist.mean", posterior.Mean), ("latent_dist.logvar", posterior.LogVar), ("latent_dist.mode", posterior.Mean), ("output.latents", latents)));
    }

    [GoldenFact(Fixture)]
    public void First_frame_wider_than_a_tile_is_encoded_in_sana_wm_tiles()
    {
        using var golden = Ltx2VaeFixture.Tensors("first_frame.safetensors");
        using var vae = Ltx2VaeFixture.Load();
        using var scope = torch.NewDisposeScope();
        var encoderCalls = new CallShapes("encoder.conv_in");
        var pixels = golden.Load("first_frame_tiled.input.pixel_values");

        using var posterior = vae.Encode(pixels.unsqueeze(2), Ltx2VaeFixture.SanaWmTiling, capture: encoderCalls);
        var latents = vae.NormalizeLatents(posterior.Mean);

        golden.AssertAllRecorded("first_frame_tiled.", Ltx2VaeFixture.Produced(new Dictionary<string, Tensor>(), ("input.pixel_values", pixels),
            ("latent_dist.mean", posterior.Mean), ("latent_dist.logvar", posterior.LogVar), ("latent_dist.mode", posterior.Mean), ("output.latents", latents)));
        // conv_in keeps frames and works on p × p patches: its output's [T, H/p, W/p] names each encoder call's tile.
        var patch = (int)Ltx2VaeFixture.Manifest["model"]!["init_kwargs"]!["patch_size"]!;
        Assert.Equal(Ltx2VaeFixture.ObservedCalls("first_frame_tiled_encoder_calls").Select(c => PatchGrid(c, patch)), encoderCalls.Shapes);
    }

    [GoldenFact(Fixture)]
    public void Decode_matches_sana_wm_block_by_block()
    {
        using var golden = Ltx2VaeFixture.Tensors("decode.safetensors");
        using var vae = Ltx2VaeFixture.Load();
        using var scope = torch.NewDisposeScope();
        using var captured = new CapturedTensors();
        var latents = golden.Load("decode.input.latents");

        var denormalized = vae.DenormalizeLatents(latents);
        var sample = vae.Decode(denormalized, null, Ltx2VaeFixture.SanaWmTiling, capture: captured);

        golden.AssertAllRecorded("decode.", Ltx2VaeFixture.Produced(captured.Tensors, ("input.latents", latents), ("denormalized", denormalized), ("output.sample", sample)));
    }

    [GoldenFact(Fixture)]
    public void Causal_decode_pads_time_on_the_left_only()
    {
        using var golden = Ltx2VaeFixture.Tensors("decode.safetensors");
        using var vae = Ltx2VaeFixture.Load();
        using var scope = torch.NewDisposeScope();

        var sample = vae.Decode(golden.Load("decode.denormalized"), null, Ltx2VaeTiling.None, causal: true);

        golden.AssertMatches("decode_causal.output.sample", sample);
    }

    [GoldenTheory(Fixture)]
    [InlineData("framewise")]
    [InlineData("spatial")]
    public void Tiled_decode_matches_sana_wm(string tiling)
    {
        using var golden = Ltx2VaeFixture.Tensors("sanawm_tiled.safetensors");
        using var vae = Ltx2VaeFixture.Load();
        using var scope = torch.NewDisposeScope();
        var decoderCalls = new CallShapes("decoder.conv_in");
        var latents = golden.Load($"{tiling}.input.latents");

        var denormalized = vae.DenormalizeLatents(latents);
        var sample = vae.Decode(denormalized, null, Ltx2VaeFixture.SanaWmTiling, capture: decoderCalls);

        golden.AssertAllRecorded($"{tiling}.", Ltx2VaeFixture.Produced(new Dictionary<string, Tensor>(),
            ("input.latents", latents), ("denormalized", denormalized), ("output.sample", sample)));
        Assert.Equal(Ltx2VaeFixture.ObservedCalls($"{tiling}_decoder_calls"), decoderCalls.Shapes);
    }

    public static TheoryData<int> TimestepDecodes => Golden.Rows(Fixture, () => Ltx2VaeFixture.TimestepDecodes().Select(d => d.Index), 0);

    [GoldenTheory(Fixture)]
    [MemberData(nameof(TimestepDecodes))]
    public void Timestep_conditioned_decode_matches_ltx2_pipeline(int index)
    {
        var (_, settings, seed) = Ltx2VaeFixture.TimestepDecodes().ElementAt(index);
        using var golden = Ltx2VaeFixture.Tensors("decode_tc.safetensors");
        using var vae = Ltx2VaeFixture.Load("model_tc");
        using var generator = new Generator(seed);
        using var scope = torch.NewDisposeScope();
        using var captured = new CapturedTensors();
        var latents = golden.Load($"tc{index}.input.latents");

        var noise = RandnTensor.Like(latents, generator);
        var mixed = settings.Mix(latents, noise);
        var denormalized = vae.DenormalizeLatents(mixed);
        var timestep = settings.Timestep(latents.shape[0], latents.device);
        var sample = vae.Decode(denormalized, timestep, Ltx2VaeFixture.SanaWmTiling, capture: captured);

        golden.AssertAllRecorded($"tc{index}.", Ltx2VaeFixture.Produced(captured.Tensors, ("input.latents", latents), ("input.noise", noise),
            ("mixed_latents", mixed), ("denormalized", denormalized), ("timestep", timestep), ("output.sample", sample)));
    }

    [GoldenFact(Fixture)]
    public void Timestep_conditioned_decoder_refuses_to_decode_without_a_timestep()
    {
        using var golden = Ltx2VaeFixture.Tensors("decode_tc.safetensors");
        using var vae = Ltx2VaeFixture.Load("model_tc");
        using var scope = torch.NewDisposeScope();

        var error = Assert.Throws<ArgumentException>(() => vae.Decode(golden.Load("tc0.denormalized"), null, Ltx2VaeTiling.None));

        Assert.Contains("needs a timestep", error.Message);
    }

    /// <summary>"TxHxW" of an encoder call's input, from conv_in's output [B, C, T, H/p, W/p].</summary>
    private static string PatchGrid(string call, int patch)
    {
        var d = call.Split('x').Select(long.Parse).ToArray();
        return $"{d[0]}x{d[1] / patch}x{d[2] / patch}";
    }

    /// <summary>The [T, H, W] of every record of one intermediate, in call order: which tiles a tiled pass ran.</summary>
    private sealed class CallShapes(string name) : IIntermediateCapture
    {
        public List<string> Shapes { get; } = [];

        public void Record(string recorded, Tensor value)
        {
            if (recorded == name)
                Shapes.Add(string.Join("x", value.shape.Skip(2)));
        }
    }
}
