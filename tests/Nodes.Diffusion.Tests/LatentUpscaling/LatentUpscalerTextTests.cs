using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.LatentUpscaling;

/// <summary>
/// The upscaler's text side per recorded run: its tokenizer's ids, the text encoder's last layer before
/// final_layer_norm as the context, the pooled output and the time condition [ones(64), zeros(64), pooled], batched
/// [uncond, cond] under guidance as the pipeline does.
/// </summary>
public sealed class LatentUpscalerTextTests
{
    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(LatentUpscalerFixture.RunNames), MemberType = typeof(LatentUpscalerFixture))]
    public void Ids_context_pooled_output_and_time_condition_match_the_pipeline(string name)
    {
        var run = LatentUpscalerFixture.Run(name);
        using var golden = LatentUpscalerFixture.Tensors();
        using var model = LatentUpscalerFixture.LoadModel();
        using var scope = torch.NewDisposeScope();

        golden.AssertMatches($"{name}.input_ids", Ids(model, run.EffectivePrompt));
        using var positive = model.EncodePrompt(run.EffectivePrompt, NullLogger.Instance);
        using var negative = model.EncodePrompt(run.EffectiveNegativePrompt, NullLogger.Instance);
        var prompts = run.ClassifierFreeGuidance ? new[] { negative, positive } : [positive];
        if (run.ClassifierFreeGuidance)
            golden.AssertMatches($"{name}.negative_input_ids", Ids(model, run.EffectiveNegativePrompt));

        golden.AssertMatches($"{name}.text_embeddings", torch.cat([.. prompts.Select(p => p.Entries[0].Embeddings)], dim: 0));
        var pooled = torch.cat([.. prompts.Select(p => p.Entries[0].Pooled!)], dim: 0);
        golden.AssertMatches($"{name}.pooler", pooled);
        golden.AssertMatches($"{name}.tcond", LatentUpscaleModel.TimeCondition(pooled));
    }

    private static Tensor Ids(LatentUpscaleModel model, string prompt)
    {
        var ids = model.Text.Tokenizer.EncodePadded(prompt, model.Text.Encoder.Config.MaxPositionEmbeddings).Ids;
        return torch.tensor<long>([.. ids.Select(i => (long)i)], [1, ids.Length]);
    }
}
