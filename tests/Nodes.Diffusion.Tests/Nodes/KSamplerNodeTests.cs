using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Host.Execution;
using Workflow.Host.Registry;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Nodes.Diffusion.Tests.Pipelines;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Nodes;

/// <summary>
/// KSampler and KSamplerAdvanced on the fixture's tiny SD1.5: ComfyUI's API workflow with dpmpp_2m / karras, the
/// advanced node's step ranges against a single run, and both schemas as ComfyUI's /object_info gives them.
/// </summary>
public sealed class KSamplerNodeTests : IDisposable
{
    private const int Steps = 6;
    private readonly TestEngine _test = new([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly]);

    public void Dispose() => _test.Dispose();

    [GoldenFact(Sd15Fixture.Name)]
    public void ComfyUI_api_workflow_with_dpmpp_2m_karras_runs_and_differs_from_euler()
    {
        Sd15Models.Install(_test.Engine.Paths.Models, Sd15Models.Folder);
        var workflow = JsonNode.Parse(FixtureModels.Workflow("comfyui_txt2img.json"))!;
        var sampler = workflow["3"]!["inputs"]!;
        var euler = _test.SavedImage(_test.RunSucceeded(workflow.ToJsonString()), "9");

        (sampler["sampler_name"], sampler["scheduler"]) = ("dpmpp_2m", "karras");
        var result = _test.RunSucceeded(workflow.ToJsonString());

        Assert.Equal(["3", "8", "9"], TestEngine.Ids(result.Executed));
        Assert.Equal((int)sampler["steps"]!, _test.Events.OfType<NodeProgress>().Count(p => p.NodeId == "3"));
        var picture = _test.SavedImage(result, "9");
        Assert.Equal((euler.Width, euler.Height), (picture.Width, picture.Height));
        Assert.NotEqual(euler.Pixels, picture.Pixels);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Advanced_in_two_stages_with_leftover_noise_equals_one_euler_run()
    {
        using var parts = Sd15Parts.Load();
        var context = new TestNodeContext(_test.Engine.Paths);
        using var empty = new EmptyLatentImage().Execute(64, 64, 1);

        using var whole = new KSampler().Execute(context, parts.Model, parts.Positive, parts.Negative, empty, 5, Steps, 7.0, SamplerName.Euler, SchedulerName.Karras);
        using var first = Advanced(context, parts, empty, KSamplerAdvanced.AddNoise.Enable, 0, Steps / 2, KSamplerAdvanced.LeftoverNoise.Enable);
        using var second = Advanced(context, parts, first, KSamplerAdvanced.AddNoise.Disable, Steps / 2, 10000, KSamplerAdvanced.LeftoverNoise.Disable);

        float scale = whole.Samples.abs().max().item<float>();
        Assert.True(second.Samples.allclose(whole.Samples, rtol: 0, atol: 1e-5 * scale), "the second stage does not finish the first as one run would");
        Assert.Equal(2 * Steps, context.Progress.Count);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Advanced_forcing_full_denoise_ends_on_a_different_latent_than_leftover_noise()
    {
        using var parts = Sd15Parts.Load();
        var context = new TestNodeContext(_test.Engine.Paths);
        using var empty = new EmptyLatentImage().Execute(64, 64, 1);

        using var leftover = Advanced(context, parts, empty, KSamplerAdvanced.AddNoise.Enable, 0, Steps / 2, KSamplerAdvanced.LeftoverNoise.Enable);
        using var forced = Advanced(context, parts, empty, KSamplerAdvanced.AddNoise.Enable, 0, Steps / 2, KSamplerAdvanced.LeftoverNoise.Disable);
        using var past = Advanced(context, parts, leftover, KSamplerAdvanced.AddNoise.Enable, Steps, 10000, KSamplerAdvanced.LeftoverNoise.Disable);

        Assert.False(forced.Samples.allclose(leftover.Samples, rtol: 0, atol: 1e-3), "σ = 0 at the end step changes the last update");
        Assert.True(past.Samples.equal(leftover.Samples), "starting at the last step returns the latent as it came");
    }

    [Fact]
    public void Step_ranges_slice_the_full_schedule_as_KSampler_sample_does()
    {
        var sampling = new ModelSamplingDiscrete(DdimSchedulerConfig.StableDiffusion1);
        var full = SigmaSchedule.Calculate(sampling, SchedulerName.Karras, Steps);
        KSamplerRequest Request(int? start, int? last, bool force) =>
            new(null!, null!, null!, null!, Steps, 1, SamplerName.Euler, SchedulerName.Karras, 1.0, 0, start, last, force);

        Assert.Equal([.. full[..3], 0f], KSamplerRun.Sigmas(sampling, Request(null, 3, force: true)));
        Assert.Equal(full[..4], KSamplerRun.Sigmas(sampling, Request(null, 3, force: false)));
        Assert.Equal(full[3..], KSamplerRun.Sigmas(sampling, Request(3, 10000, force: true)));
        Assert.Equal(full, KSamplerRun.Sigmas(sampling, Request(0, Steps, force: true)));
        Assert.Empty(KSamplerRun.Sigmas(sampling, Request(Steps, 10000, force: true)));
    }

    [Fact]
    public void Object_info_offers_ComfyUIs_sampler_and_scheduler_names_and_defaults()
    {
        Assert.True(_test.Engine.Registry.TryGet("KSampler", out var kSampler));
        Assert.True(_test.Engine.Registry.TryGet("KSamplerAdvanced", out var advanced));
        var info = ObjectInfo.ForNode(kSampler, "KSampler", _test.Engine.Paths)["input"]!["required"]!;
        var advancedInfo = ObjectInfo.ForNode(advanced, "KSamplerAdvanced", _test.Engine.Paths)["input"]!["required"]!;

        string[] samplers = ["euler", "euler_ancestral", "heun", "dpm_2", "dpm_2_ancestral", "lms", "dpmpp_sde", "dpmpp_2m",
            "dpmpp_2m_sde", "dpmpp_3m_sde", "lcm", "ddim", "uni_pc", "uni_pc_bh2"];
        string[] schedulers = ["simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta", "normal"];
        foreach (var node in new[] { info, advancedInfo })
        {
            Assert.Equal(samplers, node["sampler_name"]![0]!.AsArray().Select(n => (string)n!));
            Assert.Equal("euler", (string)node["sampler_name"]![1]!["default"]!);
            Assert.Equal(schedulers, node["scheduler"]![0]!.AsArray().Select(n => (string)n!));
            Assert.Equal("simple", (string)node["scheduler"]![1]!["default"]!);
        }
        TestEngine.AssertJsonEqual("""[["enable", "disable"], {"default": "enable", "tooltip": "Whether to add the seed's noise to the latent first."}]""", advancedInfo["add_noise"]);
        TestEngine.AssertJsonEqual("""[["disable", "enable"], {"default": "disable", "tooltip": "Whether to stop at end_at_step's noise level instead of denoising fully there."}]""",
            advancedInfo["return_with_leftover_noise"]);
        Assert.Equal((0, 10000), ((int)advancedInfo["start_at_step"]![1]!["default"]!, (int)advancedInfo["end_at_step"]![1]!["default"]!));
        Assert.Equal(0xffffffffffffffff, (ulong)advancedInfo["noise_seed"]![1]!["max"]!);
    }

    private static Latent Advanced(NodeContext context, Sd15Parts parts, Latent latent, KSamplerAdvanced.AddNoise addNoise, int start, int end,
        KSamplerAdvanced.LeftoverNoise leftover) =>
        new KSamplerAdvanced().Execute(context, parts.Model, parts.Positive, parts.Negative, latent, addNoise, 5, Steps, 7.0,
            SamplerName.Euler, SchedulerName.Karras, start, end, leftover);

    /// <summary>The fixture's model and the prompts of its pipeline call.</summary>
    private sealed class Sd15Parts : IDisposable
    {
        private readonly LoadedCheckpoint _loaded;

        private Sd15Parts(LoadedCheckpoint loaded, Conditioning positive, Conditioning negative) =>
            (_loaded, Positive, Negative) = (loaded, positive, negative);

        public Components.DiffusionModel Model => _loaded.Model;

        public Conditioning Positive { get; }

        public Conditioning Negative { get; }

        public static Sd15Parts Load()
        {
            var loaded = DiffusersCheckpoint.Load(Golden.File(Sd15Fixture.Name, "model"));
            var call = Sd15PipelineCall.Read();
            var clip = Assert.IsType<ClipModel>(loaded.Clip);
            return new Sd15Parts(loaded, clip.Encode(call.Prompt, NullLogger.Instance), clip.Encode(call.NegativePrompt, NullLogger.Instance));
        }

        public void Dispose()
        {
            Positive.Dispose();
            Negative.Dispose();
            _loaded.Model.Dispose();
            _loaded.Clip.Dispose();
            _loaded.Vae.Dispose();
        }
    }
}
