using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sd3;

/// <summary>
/// The SD3 text-to-image nodes, called as a workflow wires them, reproduce diffusers' StableDiffusion3Pipeline run of
/// the fixture (manifest goldens.e2e; e2e/e2e.safetensors) from both checkpoint layouts and from separate text
/// encoder files; the sampler matches it step by step; VAEDecode undoes SD3's latent scale and shift.
/// </summary>
public sealed class Sd3PipelineTests : IDisposable
{
    private const string E2e = "e2e/e2e.safetensors";
    private readonly TemporaryBase _base = new("sd3-nodes-");

    public void Dispose() => _base.Dispose();

    public static TheoryData<string> Layouts => [Sd3Models.Folder, Sd3Models.SingleFile];

    private NodePaths Paths => _base.Paths;

    [GoldenTheory(Sd3Fixture.Name)]
    [MemberData(nameof(Layouts))]
    public void Text_to_image_reproduces_the_diffusers_pipeline(string layout)
    {
        var context = new TestNodeContext(Paths);
        var checkpoint = new LoadCheckpoint().Execute(context, Sd3Models.Install(Paths.Models, layout));
        using var model = checkpoint.Model;
        using var clip = checkpoint.Clip;
        using var vae = checkpoint.Vae;

        AssertImage(context, model, clip, vae);
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void Text_encoders_from_triple_clip_loader_give_the_same_image()
    {
        var context = new TestNodeContext(Paths);
        var checkpoint = new LoadCheckpoint().Execute(context, Sd3Models.Install(Paths.Models, Sd3Models.SingleFile));
        var names = Sd3Models.InstallTextEncoders(Paths.Models);
        using var model = checkpoint.Model;
        using var vae = checkpoint.Vae;
        checkpoint.Clip.Dispose();
        using var clip = new TripleClipLoader().Execute(context, names[0], names[1], names[2]);

        AssertImage(context, model, clip, vae);
    }

    /// <summary>
    /// ComfyUI's KSampler on a flow model: its "normal" schedule spaces timesteps as diffusers does, Euler on the
    /// denoised estimate x − σ·v steps by v, and guidance on estimates is guidance on velocities; so the pipeline's
    /// latents come out, up to float rounding.
    /// </summary>
    [GoldenFact(Sd3Fixture.Name)]
    public void Ksampler_euler_normal_reproduces_the_pipeline_on_a_flow_model()
    {
        using var run = new EncodedCall(Paths);
        var call = run.Call;
        using var golden = Sd3Fixture.Tensors(E2e);
        using var empty = new EmptySd3LatentImage().Execute(call.Width, call.Height, 1);
        using var model = new ModelSamplingSd3().Execute(run.Checkpoint.Model, call.Shift);

        using var latent = new KSampler().Execute(run.Context, model, run.Positive, run.Negative, empty, call.Seed, call.Steps, call.Guidance, SamplerName.Euler, SchedulerName.Normal);

        golden.AssertMatches("vae_input", latent.Samples);
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void Sampler_matches_every_step_of_the_pipeline()
    {
        using var run = new EncodedCall(Paths);
        var call = run.Call;
        using var golden = Sd3Fixture.Tensors(E2e);
        using var scope = torch.NewDisposeScope();
        using var captured = new CapturedTensors();
        var noise = golden.Load("initial_latents");

        var request = new FlowEulerRequest(noise, null, run.Positive, run.Negative, call.Steps, call.Guidance, call.Shift, 1.0);
        var latents = FlowEulerSampler.Sample(run.Checkpoint.Model, request, (_, _) => { }, captured);

        captured.Record("final_latents", latents);
        for (int i = 0; i < call.Steps; i++)
        {
            golden.AssertMatches($"step{i}.noise_pred", captured.Tensors[$"step{i}.noise_pred"]);
            golden.AssertMatches($"step{i}.latents", captured.Tensors[$"step{i}.latents"]);
        }
        golden.AssertMatches("final_latents", latents);
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void Vae_decode_undoes_the_latent_scale_and_shift()
    {
        using var golden = Sd3Fixture.Tensors("vae/vae_decode.safetensors");
        using var vae = new ImageVae(Sd3Fixture.Folder.LoadVae());
        using var scope = torch.NewDisposeScope();
        var format = LatentFormat.StableDiffusion3;
        Assert.Equal((double)Sd3Fixture.Goldens("vae")["scaling_factor"]!, format.ScaleFactor);
        Assert.Equal((double)Sd3Fixture.Goldens("vae")["shift_factor"]!, format.ShiftFactor);

        var vaeLatents = golden.Load("latents") / format.ScaleFactor + format.ShiftFactor;
        golden.AssertMatches("vae_latents", vaeLatents);
        golden.AssertMatches("decoded", vae.Autoencoder.Decode(vaeLatents));
        using var image = new VaeDecode().Execute(new Latent(vaeLatents.clone()), vae);
        Assert.Equal([1L, golden.Load("decoded").shape[2], golden.Load("decoded").shape[3], 3L], image.Pixels.shape);
    }

    /// <summary>ClipEncode → EmptySD3LatentImage → FlowEulerSample → VAEDecode with the pipeline's call, against its goldens.</summary>
    private static void AssertImage(TestNodeContext context, DiffusionModel model, IClip clip, VaeModel vae)
    {
        var call = Sd3PipelineCall.Read();
        using var golden = Sd3Fixture.Tensors(E2e);
        using var scope = torch.NewDisposeScope();
        using var positive = new ClipEncode().Execute(context, call.Prompt, clip, call.MaxSequenceLength);
        using var negative = new ClipEncode().Execute(context, call.NegativePrompt, clip, call.MaxSequenceLength);
        using var empty = new EmptySd3LatentImage().Execute(call.Width, call.Height, 1);
        using (var generator = SeededNoise.Generator(call.Seed))
            golden.AssertMatches("initial_latents", SeededNoise.Draw(generator, empty.Samples.shape));

        using var latent = new FlowEulerSample().Execute(context, model, positive, negative, empty, call.Seed, call.Steps, call.Guidance, call.Shift);
        golden.AssertMatches("vae_input", latent.Samples);
        Assert.Equal(Enumerable.Range(1, call.Steps).Select(i => ((long)i, (long)call.Steps)), context.Progress);

        using var image = new VaeDecode().Execute(latent, vae);
        golden.AssertMatches("image", image.Pixels);
    }

    /// <summary>The fixture's diffusers folder through LoadCheckpoint, and the pipeline call's prompts through ClipEncode.</summary>
    private sealed class EncodedCall : IDisposable
    {
        public EncodedCall(NodePaths paths)
        {
            Context = new TestNodeContext(paths);
            Checkpoint = new LoadCheckpoint().Execute(Context, Sd3Models.Install(paths.Models, Sd3Models.Folder));
            Positive = new ClipEncode().Execute(Context, Call.Prompt, Checkpoint.Clip, Call.MaxSequenceLength);
            Negative = new ClipEncode().Execute(Context, Call.NegativePrompt, Checkpoint.Clip, Call.MaxSequenceLength);
        }

        public Sd3PipelineCall Call { get; } = Sd3PipelineCall.Read();

        public TestNodeContext Context { get; }

        public LoadCheckpoint.Outputs Checkpoint { get; }

        public Conditioning Positive { get; }

        public Conditioning Negative { get; }

        public void Dispose()
        {
            Positive.Dispose();
            Negative.Dispose();
            Checkpoint.Model.Dispose();
            Checkpoint.Clip.Dispose();
            Checkpoint.Vae.Dispose();
        }
    }
}
