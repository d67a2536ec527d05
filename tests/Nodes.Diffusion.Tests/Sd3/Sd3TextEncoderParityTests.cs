using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading.Sd3;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sd3;

/// <summary>
/// SD3's text side against the fixture (text/text.safetensors): CLIP-L and CLIP-G (penultimate states, projected
/// pooled output) and T5 (last hidden state) on the recorded ids, and the prompt embeddings encode_prompt assembles
/// from a prompt's text at each recorded T5 length.
/// </summary>
public sealed class Sd3TextEncoderParityTests
{
    private const string File = "text/text.safetensors";

    private static Sd3Clip LoadClip() => Sd3DiffusersCheckpoint.LoadClip(Sd3Fixture.Folder, JointAttentionDim);

    private static int JointAttentionDim => (int)Sd3Fixture.Manifest["models"]!["transformer"]!["config"]!["joint_attention_dim"]!;

    /// <summary>The T5 lengths recorded for a prompt (its "&lt;tag&gt;.prompt_embeds_&lt;length&gt;" entries).</summary>
    private static IEnumerable<int> Lengths(GoldenTensors golden, string tag) =>
        golden.Names.Where(n => n.StartsWith($"{tag}.prompt_embeds_", StringComparison.Ordinal)).Select(n => int.Parse(n[$"{tag}.prompt_embeds_".Length..]));

    [GoldenTheory(Sd3Fixture.Name)]
    [MemberData(nameof(Sd3Fixture.PromptTags), MemberType = typeof(Sd3Fixture))]
    public void Each_encoder_matches_transformers_on_the_recorded_ids(string tag)
    {
        using var golden = Sd3Fixture.Tensors(File);
        using var clip = LoadClip();
        using var scope = torch.NewDisposeScope();
        foreach (var (encoder, name) in new[] { (clip.ClipL, "clip_l"), (clip.ClipG, "clip_g") })
        {
            var (penultimate, pooled) = Sd3Clip.ClipEmbeddings(encoder.Encoder, golden.Load($"{tag}.{name}_ids"));
            golden.AssertMatches($"{tag}.{name}", penultimate);
            golden.AssertMatches($"{tag}.{name}_pooled", pooled);
        }
        var lengths = Lengths(golden, tag).ToList();
        Assert.NotEmpty(lengths);
        foreach (var length in lengths)
            golden.AssertMatches($"{tag}.t5_{length}", clip.T5!.Encoder.Forward(golden.Load($"{tag}.t5_ids_{length}")));
    }

    [GoldenTheory(Sd3Fixture.Name)]
    [MemberData(nameof(Sd3Fixture.PromptTags), MemberType = typeof(Sd3Fixture))]
    public void Prompt_embeddings_are_assembled_as_the_pipeline_does_at_each_t5_length(string tag)
    {
        using var golden = Sd3Fixture.Tensors(File);
        using var clip = LoadClip();
        var prompt = (string)Sd3Fixture.Prompt(tag)["prompt"]!;
        foreach (var length in Lengths(golden, tag))
        {
            using var conditioning = clip.Encode(prompt, length, NullLogger.Instance);
            golden.AssertMatches($"{tag}.prompt_embeds_{length}", conditioning.Entries[0].Embeddings);
            golden.AssertMatches($"{tag}.pooled_prompt_embeds", conditioning.Entries[0].Pooled!);
        }
    }

    /// <summary>Without T5 its rows are zeros, as many as CLIP's context (diffusers v0.30.3); the CLIP rows are unchanged.</summary>
    [GoldenFact(Sd3Fixture.Name)]
    public void Without_t5_its_part_of_the_prompt_is_zeros()
    {
        using var golden = Sd3Fixture.Tensors(File);
        using var full = LoadClip();
        using var noT5 = new Sd3Clip(full.ClipL, full.ClipG, null, JointAttentionDim);
        var tag = (string)Sd3Fixture.TokenizedPrompts[0]!["tag"]!;
        var length = Lengths(golden, tag).First();
        using var scope = torch.NewDisposeScope();

        using var conditioning = noT5.Encode((string)Sd3Fixture.Prompt(tag)["prompt"]!, length, NullLogger.Instance);

        var embeddings = conditioning.Entries[0].Embeddings;
        long clipTokens = full.ClipL.Encoder.Config.MaxPositionEmbeddings;
        Assert.Equal([1L, 2 * clipTokens, JointAttentionDim], embeddings.shape);
        golden.AssertMatches($"{tag}.prompt_embeds_{length}", torch.cat([embeddings.narrow(1, 0, clipTokens), golden.Load($"{tag}.prompt_embeds_{length}").narrow(1, clipTokens, length)], dim: 1));
        Assert.Equal(0f, embeddings.narrow(1, clipTokens, clipTokens).abs().max().item<float>());
        golden.AssertMatches($"{tag}.pooled_prompt_embeds", conditioning.Entries[0].Pooled!);
    }
}
