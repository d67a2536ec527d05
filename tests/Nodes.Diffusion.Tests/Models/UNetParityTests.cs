using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>The UNet matches diffusers' UNet2DConditionModel on sd15-tiny at three timesteps, block by block, and on the CFG batch.</summary>
public sealed class UNetParityTests
{
    public static TheoryData<string> Calls => ["t951", "t501", "t1"];

    [Testing.GoldenTheory(Sd15Fixture.Name)]
    [MemberData(nameof(Calls))]
    public void Noise_prediction_and_every_block_match_diffusers(string call)
    {
        using var golden = Sd15Fixture.Tensors("components/unet.safetensors");
        using var unet = Sd15Fixture.Folder.LoadUnet();
        using var scope = torch.NewDisposeScope();
        using var captured = new CapturedTensors();

        var noisePred = unet.Forward(golden.Load("latent"), golden.Load($"{call}.timestep"), golden.Load("encoder_hidden_states"), captured);

        golden.AssertAllRecorded($"{call}.intermediate.", captured.Tensors);
        golden.AssertMatches($"{call}.noise_pred", noisePred);
    }

    [Testing.GoldenFact(Sd15Fixture.Name)]
    public void Cfg_batch_of_uncond_and_cond_matches_diffusers()
    {
        using var golden = Sd15Fixture.Tensors("components/unet.safetensors");
        using var unet = Sd15Fixture.Folder.LoadUnet();
        using var scope = torch.NewDisposeScope();

        var noisePred = unet.Forward(golden.Load("cfg.latent_model_input"), golden.Load("cfg.timestep"), golden.Load("cfg.encoder_hidden_states"));

        golden.AssertMatches("cfg.noise_pred", noisePred);
    }
}
