using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading.Sd3;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Nodes.Diffusion.Tests.Pipelines;
using Workflow.Nodes.Diffusion.Tests.Sd3;
using Workflow.NodeSdk;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.Precision;

/// <summary>
/// The tiny fixtures run in bfloat16 on the CPU match the float32 goldens within the half-precision tolerance derived
/// from the reference's own float32-vs-bfloat16 spread (<see cref="ReferenceSpread"/>): each model on its recorded
/// calls, and the whole text-to-image pipeline through the nodes with weight_dtype bf16.
/// </summary>
public sealed class Bfloat16ParityTests : IDisposable
{
    private const string UnetFile = "components/unet.safetensors";
    private readonly string _root = Directory.CreateTempSubdirectory("bf16-parity-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [GoldenTheory(Sd15Fixture.Name)]
    [MemberData(nameof(UNetParityTests.Calls), MemberType = typeof(UNetParityTests))]
    public void UNet_calls_in_bf16_match_within_the_reference_spread(string output)
    {
        var call = Sd15Fixture.Components("unet")["calls"]!.AsArray().Single(c => (string)c!["output"]! == output)!;
        using var golden = Sd15Fixture.Tensors(UnetFile);
        using var unet = Sd15Fixture.Folder.LoadUnet().to(ScalarType.BFloat16);
        using var scope = torch.NewDisposeScope();

        var noisePred = unet.Forward(Bf16(golden.Load("latent")), UNetParityTests.Timestep(call), Bf16(golden.Load("encoder_hidden_states")));

        golden.AssertMatches(output, noisePred, ReferenceSpread.Bfloat16Tolerance(Sd15Fixture.Name, UnetFile, output));
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Text_encoder_in_bf16_matches_within_the_reference_spread()
    {
        const string file = "components/clip_text_encoder.safetensors";
        using var golden = Sd15Fixture.Tensors(file);
        using var encoder = Sd15Fixture.Folder.LoadTextEncoder().to(ScalarType.BFloat16);
        using var scope = torch.NewDisposeScope();

        using var output = encoder.Forward(golden.Load("input_ids"));

        golden.AssertMatches("last_hidden_state", output.LastHiddenState, ReferenceSpread.Bfloat16Tolerance(Sd15Fixture.Name, file, "last_hidden_state"));
        golden.AssertMatches("pooler_output", output.PooledOutput, ReferenceSpread.Bfloat16Tolerance(Sd15Fixture.Name, file, "pooler_output"));
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void VAE_in_bf16_decodes_and_encodes_within_the_reference_spread()
    {
        using var vae = new ImageVae(Sd15Fixture.Folder.LoadVae());
        vae.To(Device.CPU, ScalarType.BFloat16);
        using (var golden = Sd15Fixture.Tensors("components/vae_decode.safetensors"))
        {
            using var decoded = vae.Decode(golden.Load("vae_input"));
            golden.AssertMatches("decoded", decoded, ReferenceSpread.Bfloat16Tolerance(Sd15Fixture.Name, "components/vae_decode.safetensors", "decoded"));
        }
        using (var golden = Sd15Fixture.Tensors("components/vae_encode.safetensors"))
        {
            using var mean = vae.EncodeMean(golden.Load("image"));
            golden.AssertMatches("latent_dist_mean", mean, ReferenceSpread.Bfloat16Tolerance(Sd15Fixture.Name, "components/vae_encode.safetensors", "latent_dist_mean"));
        }
    }

    /// <summary>The nodes of sd15_txt2img, weight_dtype bf16, on the call e2e/e2e.json records (as <see cref="Sd15NodesTests"/> does in float32).</summary>
    [GoldenTheory(Sd15Fixture.Name)]
    [MemberData(nameof(Sd15NodesTests.Layouts), MemberType = typeof(Sd15NodesTests))]
    public void Text_to_image_nodes_in_bf16_match_within_the_reference_spread(string layout)
    {
        const string file = "e2e/e2e.safetensors";
        var paths = new NodePaths(Path.Combine(_root, "models"), Path.Combine(_root, "input"), Path.Combine(_root, "output"), Path.Combine(_root, "temp"));
        var context = new TestNodeContext(paths);
        var call = Sd15PipelineCall.Read();
        using var golden = Sd15Fixture.Tensors(file);
        using var scope = torch.NewDisposeScope();

        var checkpoint = new LoadCheckpoint().Execute(context, Sd15Models.Install(paths.Models, layout), WeightDtype.Bf16);
        using var model = checkpoint.Model;
        using var clip = checkpoint.Clip;
        using var vae = checkpoint.Vae;
        using var positive = new ClipEncode().Execute(context, call.Prompt, clip);
        using var negative = new ClipEncode().Execute(context, call.NegativePrompt, clip);
        using var empty = new EmptyLatentImage().Execute(call.Width, call.Height, call.BatchSize);
        using var latent = new DdimSample().Execute(context, model, positive, negative, empty, call.Seed, call.Steps, call.Guidance, call.Eta);
        golden.AssertMatches("final_latents", latent.Samples * model.LatentFormat.ScaleFactor, ReferenceSpread.Bfloat16Tolerance(Sd15Fixture.Name, file, "final_latents"));

        using var image = new VaeDecode().Execute(latent, vae);
        golden.AssertMatches("image", image.Pixels, ReferenceSpread.Bfloat16Tolerance(Sd15Fixture.Name, file, "image"));
    }

    [GoldenTheory(Sd3Fixture.Name)]
    [MemberData(nameof(Sd3TransformerParityTests.Calls), MemberType = typeof(Sd3TransformerParityTests))]
    public void MM_DiT_calls_in_bf16_match_within_the_reference_spread(int call)
    {
        const string file = "transformer/transformer.safetensors";
        using var golden = Sd3Fixture.Tensors(file);
        using var transformer = Sd3DiffusersCheckpoint.LoadTransformer(Sd3Fixture.Folder).to(ScalarType.BFloat16);
        using var scope = torch.NewDisposeScope();

        var velocity = transformer.Forward(Bf16(golden.Load("hidden_states")), golden.Load($"call{call}.timestep"),
            Bf16(golden.Load("encoder_hidden_states")), Bf16(golden.Load("pooled_projections")));

        var name = $"call{call}.output";
        golden.AssertMatches(name, velocity, ReferenceSpread.Bfloat16Tolerance(Sd3Fixture.Name, file, name));
    }

    private static Tensor Bf16(Tensor tensor) => tensor.to(ScalarType.BFloat16);
}
