using Workflow.Nodes.Diffusion.Text;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Sd3;

/// <summary>
/// The three SD3 tokenizers give the ids the pipeline's tokenizers gave every fixture prompt: CLIP-L (tokenizer/),
/// CLIP-G (tokenizer_2/, whose padding token "!" is special), and T5's sentencepiece unigram model (tokenizer_3/spiece.model)
/// at each recorded length.
/// </summary>
public sealed class Sd3TokenizerTests
{
    private static readonly Lazy<T5Tokenizer> T5 = new(() => T5Tokenizer.Load(Path.Combine(Sd3Fixture.DiffusersPath, "tokenizer_3")));

    [GoldenTheory(Sd3Fixture.Name)]
    [MemberData(nameof(Sd3Fixture.PromptTags), MemberType = typeof(Sd3Fixture))]
    public void Clip_l_and_clip_g_ids_equal_the_pipeline_tokenizers(string tag)
    {
        var prompt = Sd3Fixture.Prompt(tag);
        foreach (var (folder, key) in new[] { ("tokenizer", "clip_l_ids"), ("tokenizer_2", "clip_g_ids") })
        {
            var expected = Sd3Fixture.Ids(prompt[key]);
            var actual = ClipTokenizer.Load(Path.Combine(Sd3Fixture.DiffusersPath, folder)).EncodePadded((string)prompt["prompt"]!, expected.Length).Ids;
            Assert.True(expected.SequenceEqual(actual), $"{tag} {folder}: expected [{string.Join(",", expected)}] got [{string.Join(",", actual)}]");
        }
    }

    [GoldenTheory(Sd3Fixture.Name)]
    [MemberData(nameof(Sd3Fixture.PromptTags), MemberType = typeof(Sd3Fixture))]
    public void T5_ids_equal_the_pipeline_tokenizer_at_every_recorded_length(string tag)
    {
        var prompt = Sd3Fixture.Prompt(tag);
        var lengths = Sd3Fixture.T5Lengths(prompt).ToList();
        Assert.NotEmpty(lengths);
        foreach (var length in lengths)
        {
            var expected = Sd3Fixture.Ids(prompt[$"t5_ids_{length}"]);
            var actual = T5.Value.EncodePadded((string)prompt["prompt"]!, length).Ids;
            Assert.True(expected.SequenceEqual(actual), $"{tag} at {length}: expected [{string.Join(",", expected)}] got [{string.Join(",", actual)}]");
        }
    }

    [GoldenTheory(Sd3Fixture.Name)]
    [MemberData(nameof(Sd3Fixture.PromptTags), MemberType = typeof(Sd3Fixture))]
    public void T5_unpadded_ids_end_with_the_end_token(string tag)
    {
        var prompt = Sd3Fixture.Prompt(tag);
        var padded = Sd3Fixture.Ids(prompt[$"t5_ids_{Sd3Fixture.T5Lengths(prompt).Max()}"]);
        var content = padded.Reverse().SkipWhile(id => id == T5.Value.PadId).Reverse().ToArray();

        Assert.Equal(content, T5.Value.Encode((string)prompt["prompt"]!));
        Assert.Equal(T5.Value.EosId, content[^1]);
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void T5_truncation_keeps_the_end_token_and_reports_what_was_cut()
    {
        var prompt = (string)Sd3Fixture.TokenizedPrompts[0]!["prompt"]!;
        var all = T5.Value.Encode(prompt);

        var result = T5.Value.EncodePadded(prompt, 4);

        Assert.Equal([.. all[..3], T5.Value.EosId], result.Ids);
        Assert.Equal(all.Length - 4, result.TruncatedTokens);
        Assert.Equal(T5.Value.Decode(all[3..^1]), result.TruncatedText);
    }

    /// <summary>sentencepiece's nmt_nfkc normalizer and whitespace rules, through the fixture's model.</summary>
    [GoldenTheory(Sd3Fixture.Name)]
    [InlineData("\uFF21\uFF22\uFF23 photo", "ABC photo")]       // fullwidth forms fold (NFKC)
    [InlineData("  a   red\tsofa  ", "a red sofa")]            // leading, trailing and repeated whitespace drop
    [InlineData("\uFB01ne", "fine")]                              // ligature
    public void Normalization_folds_what_nfkc_and_the_whitespace_rules_fold(string written, string plain) =>
        Assert.Equal(T5.Value.Encode(plain), T5.Value.Encode(written));

    /// <summary>Characters no piece starts with become one unknown token per run (sentencepiece merges unknown runs).</summary>
    [GoldenFact(Sd3Fixture.Name)]
    public void A_run_of_unknown_characters_is_one_unknown_token()
    {
        var single = T5.Value.Encode("a\u00e9b");
        var run = T5.Value.Encode("a\u00e9\u00e8\u00eab");

        Assert.Equal(single, run);
        Assert.Equal(1, single.Count(id => id == T5.Value.UnknownId));
    }

    /// <summary>Special tokens written in the prompt stand for themselves; &lt;extra_id_N&gt; counts down from the top of the vocabulary.</summary>
    [GoldenFact(Sd3Fixture.Name)]
    public void Special_tokens_in_the_text_keep_their_ids()
    {
        var ids = T5.Value.Encode("a <extra_id_0> b</s>");

        Assert.Equal(T5.Value.Encode("a")[..^1].Concat([T5.Value.VocabSize - 1]).Concat(T5.Value.Encode("b")), ids);
    }
}
