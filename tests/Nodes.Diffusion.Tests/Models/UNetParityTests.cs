using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>
/// The UNet matches diffusers' UNet2DConditionModel on sd15-tiny at every call components/index.json records, block
/// by block, and on the CFG batch.
/// </summary>
public sealed class UNetParityTests
{
    /// <summary>The recorded calls, by output name (e.g. "t951.noise_pred").</summary>
    public static TheoryData<string> Calls =>
        Golden.Rows(Sd15Fixture.Name, () => Sd15Fixture.Components("unet")["calls"]!.AsArray().Select(c => (string)c!["output"]!), "(fixture absent)");

    [GoldenTheory(Sd15Fixture.Name)]
    [MemberData(nameof(Calls))]
    public void Noise_prediction_and_every_block_match_diffusers(string output)
    {
        var call = Sd15Fixture.Components("unet")["calls"]!.AsArray().Single(c => (string)c!["output"]! == output)!;
        using var golden = Sd15Fixture.Tensors((string)Sd15Fixture.Components("unet")["file"]!);
        using var unet = Sd15Fixture.Folder.LoadUnet();
        using var scope = torch.NewDisposeScope();
        using var captured = new CapturedTensors();

        var noisePred = unet.Forward(golden.Load("latent"), Timestep(call), golden.Load("encoder_hidden_states"), captured);

        golden.AssertAllRecorded((string)call["intermediates_prefix"]!, captured.Tensors);
        golden.AssertMatches(output, noisePred);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Cfg_batch_of_uncond_and_cond_matches_diffusers()
    {
        var call = Sd15Fixture.Components("unet")["cfg_call"]!;
        var (output, prefix) = CfgNames(call);
        using var golden = Sd15Fixture.Tensors((string)Sd15Fixture.Components("unet")["file"]!);
        using var unet = Sd15Fixture.Folder.LoadUnet();
        using var scope = torch.NewDisposeScope();

        var noisePred = unet.Forward(golden.Load(prefix + "latent_model_input"), Timestep(call), golden.Load(prefix + "encoder_hidden_states"));

        golden.AssertMatches(output, noisePred);
    }

    /// <summary>Every guided prediction recorded beside the CFG call ("…guided_noise_pred_gs&lt;scale&gt;"), through our guidance.</summary>
    [GoldenFact(Sd15Fixture.Name)]
    public void Guided_prediction_combines_the_halves_as_diffusers()
    {
        var call = Sd15Fixture.Components("unet")["cfg_call"]!;
        var (_, prefix) = CfgNames(call);
        using var golden = Sd15Fixture.Tensors((string)Sd15Fixture.Components("unet")["file"]!);
        using var unet = Sd15Fixture.Folder.LoadUnet();
        using var scope = torch.NewDisposeScope();
        var batch = golden.Load(prefix + "latent_model_input");
        var context = golden.Load(prefix + "encoder_hidden_states").chunk(2, dim: 0);
        var timestep = Timestep(call);
        using var positive = new NodeSdk.Data.Conditioning(context[1].clone());
        using var negative = new NodeSdk.Data.Conditioning(context[0].clone());

        var guided = prefix + "guided_noise_pred_gs";
        var scales = golden.Names.Where(n => n.StartsWith(guided, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(scales);
        foreach (var name in scales)
        {
            var scale = double.Parse(name[guided.Length..], System.Globalization.CultureInfo.InvariantCulture);
            using var guidance = ClassifierFreeGuidance.Diffusers(positive, negative, scale, batch: 1, Device.CPU);
            golden.AssertMatches(name, guidance.Predict(batch.chunk(2, dim: 0)[1], (input, embeddings, _) => unet.Forward(input, timestep, embeddings)));
        }
    }

    /// <summary>The CFG call's output name and the prefix of the tensors recorded with it ("cfg.noise_pred", "cfg.").</summary>
    private static (string Output, string Prefix) CfgNames(JsonNode call)
    {
        var output = (string)call["output"]!;
        return (output, output[..(output.LastIndexOf('.') + 1)]);
    }

    /// <summary>The call's timestep as the pipeline passes it: a 0-dim int64 tensor.</summary>
    internal static Tensor Timestep(JsonNode call) => torch.scalar_tensor((long)call["timestep"]!, torch.int64);
}
