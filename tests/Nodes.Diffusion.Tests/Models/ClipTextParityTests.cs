using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>The text encoder matches transformers' CLIPTextModel on sd15-tiny: every layer, the final states and the pooled output.</summary>
public sealed class ClipTextParityTests
{
    [Testing.GoldenFact(Sd15Fixture.Name)]
    public void Hidden_states_and_pooled_output_match_transformers()
    {
        using var golden = Sd15Fixture.Tensors("components/clip_text_encoder.safetensors");
        using var encoder = Sd15Fixture.Folder.LoadTextEncoder();
        using var scope = torch.NewDisposeScope();

        using var output = encoder.Forward(golden.Load("input_ids"));

        for (int i = 0; i < output.HiddenStates.Count; i++)
            golden.AssertMatches($"hidden_states.{i}", output.HiddenStates[i]);
        golden.AssertMatches("last_hidden_state", output.LastHiddenState);
        golden.AssertMatches("pooler_output", output.PooledOutput);
    }
}
