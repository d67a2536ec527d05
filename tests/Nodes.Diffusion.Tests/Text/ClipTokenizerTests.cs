using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Text;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Text;

/// <summary>
/// Token ids equal transformers' CLIPTokenizer with ftfy (sd15-tiny/tokenizer/tokenizer_golden.json: 31 prompts,
/// among them HTML entities, curly quotes, fullwidth forms, ligatures, mojibake, CJK, emoji, special tokens, 77/78 tokens).
/// </summary>
public sealed class ClipTokenizerTests
{
    private const string Fixture = "sd15-tiny";
    private static readonly Lazy<ClipTokenizer> Tokenizer = new(() => ClipTokenizer.Load(Golden.File(Fixture, "model/tokenizer")));

    private static JsonArray Prompts() => (JsonArray)JsonNode.Parse(File.ReadAllText(Golden.File(Fixture, "tokenizer/tokenizer_golden.json")))!["prompts"]!;

    /// <summary>Indices of the golden prompts (a single placeholder where the fixture is absent: the theory is skipped then).</summary>
    public static TheoryData<int> PromptIndices() =>
        [.. Enumerable.Range(0, Directory.Exists(Path.Combine(Golden.Root, Fixture)) ? Prompts().Count : 1)];

    private static int[] Ids(JsonNode? node) => node!.AsArray().Select(n => (int)n!).ToArray();

    [GoldenTheory(Fixture)]
    [MemberData(nameof(PromptIndices))]
    public void Padded_ids_equal_the_pipeline_tokenization(int index)
    {
        var prompt = Prompts()[index]!;
        var text = (string)prompt["text"]!;
        Assert.True(Ids(prompt["input_ids"]).SequenceEqual(Tokenizer.Value.EncodePadded(text).Ids),
            $"prompt {index} {text}: expected [{string.Join(",", Ids(prompt["input_ids"]))}] got [{string.Join(",", Tokenizer.Value.EncodePadded(text).Ids)}]");
    }

    [GoldenTheory(Fixture)]
    [MemberData(nameof(PromptIndices))]
    public void Untruncated_ids_equal_the_tokenizer(int index)
    {
        var prompt = Prompts()[index]!;
        Assert.Equal(Ids(prompt["input_ids_untruncated"]), Tokenizer.Value.Encode((string)prompt["text"]!));
    }

    [GoldenFact(Fixture)]
    public void Long_prompt_keeps_75_tokens_and_reports_what_was_cut()
    {
        var prompt = Prompts().Single(p => (bool)p!["truncated"]! && ((string)p["text"]!).StartsWith("a highly detailed"))!;
        var result = Tokenizer.Value.EncodePadded((string)prompt["text"]!);
        Assert.Equal((int)prompt["num_tokens_untruncated"]! - 77, result.TruncatedTokens);
        Assert.Equal(49407, result.Ids[76]);
        Assert.EndsWith(result.TruncatedText, ((string)prompt["text"]!).ToLowerInvariant());
    }

    [Fact]
    public void Python_lower_case_maps_dotted_capital_i_and_final_sigma()
    {
        Assert.Equal("i\u0307stanbul", PythonText.Lower("İSTANBUL"));
        Assert.Equal("οδος οδος", PythonText.Lower("ΟΔΟΣ ΟΔΟΣ"));   // final sigma at the end of each word
        Assert.Equal("σα", PythonText.Lower("ΣΑ"));
        Assert.Equal("σ", PythonText.Lower("Σ"));                  // no cased letter before it
    }

    [Theory]
    [InlineData("html &amp; entities &lt;b&gt;", "html & entities <b>")]
    [InlineData("keep <b>&amp;</b> when there is markup", "keep <b>&amp;</b> when there is markup")]
    [InlineData("curly \u201cquotes\u201d and \u2018apostrophes\u2019", "curly \"quotes\" and 'apostrophes'")]
    [InlineData("fullwidth \uFF21\uFF22\uFF23\uFF11\uFF12\uFF13", "fullwidth ABC123")]
    [InlineData("ligatures \uFB01 \uFB02", "ligatures fi fl")]
    [InlineData("mojibake caf\u00C3\u00A9", "mojibake caf\u00E9")]
    [InlineData("\u00C6\u00D8\u00C5 \u00E6\u00F8\u00E5 \u00DF", "\u00C6\u00D8\u00C5 \u00E6\u00F8\u00E5 \u00DF")]
    [InlineData("cafe\u0301", "caf\u00E9")]
    [InlineData("bell\u0007 removed", "bell removed")]
    public void Text_fixes_follow_ftfy(string input, string expected) => Assert.Equal(expected, TextFixes.FixText(input));
}
