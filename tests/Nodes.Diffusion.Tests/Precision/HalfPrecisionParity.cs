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
/// The tiny fixtures run at one half precision on one device, compared with the float32 goldens within the tolerance
/// derived from the reference's own spread at that dtype and device (<see cref="ReferenceSpread"/>): each model on its
/// recorded calls, and the whole text-to-image pipeline through the nodes. Shared by <see cref="Bfloat16ParityTests"/>
/// (bfloat16 on the CPU) and <see cref="HalfPrecisionCudaTests"/> (float16 and bfloat16 on CUDA).
/// </summary>
internal sealed class HalfPrecisionParity(Device device, ScalarType dtype)
{
    private const string UnetFile = "components/unet.safetensors";

    private HalfPrecision Precision { get; } = new(device.Type, dtype);

    public void UNetCall(string output)
    {
        var call = Sd15Fixture.Components("unet")["calls"]!.AsArray().Single(c => (string)c!["output"]! == output)!;
        using var golden = Sd15Fixture.Tensors(UnetFile);
        using var unet = Sd15Fixture.Folder.LoadUnet().to(device, dtype);
        using var scope = torch.NewDisposeScope();

        var noisePred = unet.Forward(Half(golden.Load("latent")), UNetParityTests.Timestep(call).to(device), Half(golden.Load("encoder_hidden_states")));

        golden.AssertMatches(output, noisePred, Tolerance(Sd15Fixture.Name, UnetFile, output));
    }

    public void TextEncoder()
    {
        const string file = "components/clip_text_encoder.safetensors";
        using var golden = Sd15Fixture.Tensors(file);
        using var encoder = Sd15Fixture.Folder.LoadTextEncoder().to(device, dtype);
        using var scope = torch.NewDisposeScope();

        using var output = encoder.Forward(golden.Load("input_ids").to(device));

        golden.AssertMatches("last_hidden_state", output.LastHiddenState, Tolerance(Sd15Fixture.Name, file, "last_hidden_state"));
        golden.AssertMatches("pooler_output", output.PooledOutput, Tolerance(Sd15Fixture.Name, file, "pooler_output"));
    }

    /// <summary>
    /// Through <see cref="ImageVae"/>, as the loaders hand it on: in float16 a VAE whose config says force_upcast computes
    /// in float32, as diffusers' pipelines upcast it (the reference measures it so too).
    /// </summary>
    public void Vae()
    {
        using var vae = new ImageVae(Sd15Fixture.Folder.LoadVae());
        vae.To(device, dtype);
        Assert.Equal(dtype == ScalarType.Float16 && vae.Autoencoder.Config.ForceUpcast ? ScalarType.Float32 : dtype, vae.Dtype);
        using (var golden = Sd15Fixture.Tensors("components/vae_decode.safetensors"))
        {
            using var decoded = vae.Decode(golden.Load("vae_input"));
            golden.AssertMatches("decoded", decoded, Tolerance(Sd15Fixture.Name, "components/vae_decode.safetensors", "decoded"));
        }
        using (var golden = Sd15Fixture.Tensors("components/vae_encode.safetensors"))
        {
            using var mean = vae.EncodeMean(golden.Load("image"));
            golden.AssertMatches("latent_dist_mean", mean, Tolerance(Sd15Fixture.Name, "components/vae_encode.safetensors", "latent_dist_mean"));
        }
    }

    /// <summary>
    /// The nodes of sd15_txt2img with the host on the device and weight_dtype this dtype, on the call e2e/e2e.json
    /// records (as <see cref="Sd15NodesTests"/> does in float32).
    /// </summary>
    public void TextToImageNodes(string layout, string root)
    {
        const string file = "e2e/e2e.safetensors";
        var paths = new NodePaths(Path.Combine(root, "models"), Path.Combine(root, "input"), Path.Combine(root, "output"), Path.Combine(root, "temp"));
        var context = new TestNodeContext(paths) { HostDevice = device };
        var call = Sd15PipelineCall.Read();
        using var golden = Sd15Fixture.Tensors(file);
        using var scope = torch.NewDisposeScope();

        var weightDtype = dtype == ScalarType.Float16 ? WeightDtype.Fp16 : WeightDtype.Bf16;
        var checkpoint = new LoadCheckpoint().Execute(context, Sd15Models.Install(paths.Models, layout), weightDtype);
        using var model = checkpoint.Model;
        using var clip = checkpoint.Clip;
        using var vae = checkpoint.Vae;
        using var positive = new ClipEncode().Execute(context, call.Prompt, clip);
        using var negative = new ClipEncode().Execute(context, call.NegativePrompt, clip);
        using var empty = new EmptyLatentImage().Execute(call.Width, call.Height, call.BatchSize);
        using var latent = new DdimSample().Execute(context, model, positive, negative, empty, call.Seed, call.Steps, call.Guidance, call.Eta);
        golden.AssertMatches("final_latents", latent.Samples * model.LatentFormat.ScaleFactor, Tolerance(Sd15Fixture.Name, file, "final_latents"));

        using var image = new VaeDecode().Execute(latent, vae);
        golden.AssertMatches("image", image.Pixels, Tolerance(Sd15Fixture.Name, file, "image"));
    }

    public void MmDitCall(int call)
    {
        const string file = "transformer/transformer.safetensors";
        using var golden = Sd3Fixture.Tensors(file);
        using var transformer = Sd3DiffusersCheckpoint.LoadTransformer(Sd3Fixture.Folder).to(device, dtype);
        using var scope = torch.NewDisposeScope();

        var velocity = transformer.Forward(Half(golden.Load("hidden_states")), golden.Load($"call{call}.timestep").to(device),
            Half(golden.Load("encoder_hidden_states")), Half(golden.Load("pooled_projections")));

        var name = $"call{call}.output";
        golden.AssertMatches(name, velocity, Tolerance(Sd3Fixture.Name, file, name));
    }

    private Tensor Half(Tensor tensor) => tensor.to(dtype, device);

    private double Tolerance(string fixture, string file, string name) => ReferenceSpread.Tolerance(fixture, Precision, file, name);
}
