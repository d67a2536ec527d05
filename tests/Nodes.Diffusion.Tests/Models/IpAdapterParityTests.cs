using System.Globalization;
using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.IpAdapter;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>
/// IP-Adapter against multiview-tiny/ip_adapter (diffusers' IPAdapterMixin on a tiny SD1.5 UNet): each adapter the
/// manifest lists (base, Plus), its image tokens, and the UNet's output at every scale the fixture records.
/// </summary>
public sealed class IpAdapterParityTests
{
    private const string Goldens = "ip_adapter/ip_goldens.safetensors";

    public static TheoryData<string> Adapters =>
        Golden.Rows(MultiviewFixture.Name, () => MultiviewFixture.Section("ip_adapter")["adapters"]!.AsObject().Select(a => a.Key), "(fixture absent)");

    /// <summary>Every recorded run of an adapter: "&lt;kind&gt;_out_scale&lt;s&gt;".</summary>
    public static TheoryData<string> Runs => Golden.Rows(MultiviewFixture.Name, () =>
    {
        using var golden = MultiviewFixture.Tensors(Goldens);
        return golden.Names.Where(n => n.Contains("_out_scale", StringComparison.Ordinal)).ToList();
    }, "(fixture absent)");

    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(Adapters))]
    public void Image_tokens_match_the_projection(string kind)
    {
        using var adapter = LoadAdapter(kind);
        using var golden = MultiviewFixture.Tensors(Goldens);
        using var scope = torch.NewDisposeScope();
        var features = golden.Load($"{kind}_image_embeds");   // [CFG rows, images, ...]: row 0 unconditional, row 1 the image

        var tokens = adapter.ImageProjection.Forward(features.flatten(0, 1));

        golden.AssertMatches($"{kind}_ip_tokens", tokens.reshape([features.shape[0], features.shape[1], .. tokens.shape[1..]]));
    }

    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(Runs))]
    public void Unet_with_the_adapter_matches_diffusers(string run)
    {
        var (kind, scale) = Run(run);
        using var golden = MultiviewFixture.Tensors(Goldens);
        using var model = LoadUnet();
        var ipadapter = new IpAdapter(LoadAdapter(kind));
        using var scope = torch.NewDisposeScope();
        var tokens = golden.Load($"{kind}_ip_tokens").flatten(1, 2);
        var patch = new IpAdapterPatch(ipadapter.Lease(), tokens.narrow(0, 1, 1).clone().DetachFromDisposeScope(), tokens.narrow(0, 0, 1).clone().DetachFromDisposeScope(), scale, double.MaxValue, 0);
        ipadapter.Dispose();   // the patch keeps the weights alive
        using var patched = model.WithPatch(patch);

        golden.AssertMatches(run, Forward(patched, golden));
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void Unet_without_an_adapter_matches_diffusers()
    {
        using var golden = MultiviewFixture.Tensors(Goldens);
        using var model = LoadUnet();
        using var scope = torch.NewDisposeScope();
        golden.AssertMatches("unet_without_ip_adapter", Forward(model, golden));
    }

    /// <summary>
    /// The node path: the fixture's picture through CLIPVisionEncode, then IPAdapter with a recorded weight; the
    /// unconditional tokens are the node's own (zero embeddings for base, zero pixels for Plus).
    /// </summary>
    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(Runs))]
    public void IPAdapter_node_reproduces_the_run(string run)
    {
        var (kind, scale) = Run(run);
        using var golden = MultiviewFixture.Tensors(Goldens);
        using var model = LoadUnet();
        using var ipadapter = new IpAdapter(LoadAdapter(kind));
        using var clipVision = new ClipVision(ClipVisionCheckpoint.Load(MultiviewFixture.File("ip_adapter/models/image_encoder")));
        using var image = new ImageBatch(ImageConversion.FromRaster(Imaging.Png.Read(MultiviewFixture.File("clip_vision/test_image.png")).Image).unsqueeze(0));
        using var features = new ClipVisionEncode().Execute(clipVision, image);

        using var patched = new IpAdapterApply().Execute(model, ipadapter, features, weight: scale);

        using var scope = torch.NewDisposeScope();
        golden.AssertMatches(run, Forward(patched, golden));
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void Start_and_end_bound_the_steps_the_adapter_acts_in()
    {
        using var golden = MultiviewFixture.Tensors(Goldens);
        using var model = LoadUnet();
        using var ipadapter = new IpAdapter(LoadAdapter("base"));
        using var scope = torch.NewDisposeScope();
        var tokens = golden.Load("base_ip_tokens").flatten(1, 2);
        using var features = new ClipVisionOutput(golden.Load("base_image_embeds")[1].clone(), torch.zeros([1]), torch.zeros([1]), torch.zeros([1]));
        var sampling = new ModelSamplingDiscrete(model.Schedule);
        var (sample, timestep, context) = (golden.Load("sample"), golden.Load("timestep"), golden.Load("encoder_hidden_states"));
        var plain = model.Forward(sample, timestep, context);

        // Active over the middle half of sampling: σ at 30% of the way acts, σ at 10% and 90% do not.
        using var patched = new IpAdapterApply().Execute(model, ipadapter, features, weight: 1.0, startAt: 0.25, endAt: 0.75);
        Tensor At(double percent) => patched.Forward(sample, timestep, context, new UNetCall([true, false], sampling.PercentToSigma(percent)));
        Assert.True(At(0.1).equal(plain), "acted before start_at");
        Assert.False(At(0.3).equal(plain), "did not act between start_at and end_at");
        Assert.True(At(0.9).equal(plain), "acted after end_at");
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void An_adapter_for_another_unet_is_refused_naming_the_input()
    {
        using var golden = MultiviewFixture.Tensors(Goldens);
        using var model = new DiffusionModel(Sd15Fixture.Folder.LoadUnet(), DdimSchedulerConfig.StableDiffusion1, LatentFormat.StableDiffusion1);
        using var ipadapter = new IpAdapter(LoadAdapter("base"));
        using var features = new ClipVisionOutput(golden.Load("base_image_embeds")[1].clone(), torch.zeros([1]), torch.zeros([1]), torch.zeros([1]));

        var error = Assert.Throws<NodeSdk.InputException>(() => new IpAdapterApply().Execute(model, ipadapter, features));

        Assert.Equal("ipadapter", error.InputName);
        Assert.Contains("this IP-Adapter is made for another UNet", error.Message);
    }

    /// <summary>(kind, scale) of "&lt;kind&gt;_out_scale&lt;s&gt;".</summary>
    private static (string Kind, double Scale) Run(string run)
    {
        var at = run.IndexOf("_out_scale", StringComparison.Ordinal);
        return (run[..at], double.Parse(run[(at + "_out_scale".Length)..], CultureInfo.InvariantCulture));
    }

    /// <summary>The fixture's call: the CFG-shaped batch (row 0 unconditional, row 1 conditional) at its timestep.</summary>
    private static Tensor Forward(DiffusionModel model, GoldenTensors golden)
    {
        var timestep = golden.Load("timestep");
        var sampling = new ModelSamplingDiscrete(model.Schedule);
        return model.Forward(golden.Load("sample"), timestep, golden.Load("encoder_hidden_states"), new UNetCall([true, false], sampling.Sigma(timestep.item<long>())));
    }

    private static DiffusionModel LoadUnet() =>
        new(new DiffusersFolder(MultiviewFixture.File("ip_adapter")).LoadUnet(), DdimSchedulerConfig.StableDiffusion1, LatentFormat.StableDiffusion1);

    private static IpAdapterModel LoadAdapter(string kind) =>
        IpAdapterCheckpoint.Load(Golden.File(MultiviewFixture.Name, (string)MultiviewFixture.Section("ip_adapter")["adapters"]![kind]!["file"]!));
}
