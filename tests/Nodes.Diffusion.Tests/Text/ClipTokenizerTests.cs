using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Text;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Text;

/// <summary>
/// Token ids equal transformers' CLIPTokenizer with ftfy (sd15-tiny/tokenizer/tokenizer_golden.json: every prompt
/// it records, among them HTML entities, curly quotes, fullwidth forms, ligatures, mojibake, CJK, emoji, special tokens, 77/78 tokens).
/// </summary>
public sealed class ClipTokenizerTests
{
    private const string Fixture = "sd15-tiny";
    private static readonly Lazy<ClipTokenizer> Tokenizer = new(() => ClipTokenizer.Load(Golden.File(Fixture, "model/tokenizer")));

    private static JsonArray Prompts() => Golden.Json(Fixture, "tokenizer/tokenizer_golden.json")["prompts"]!.AsArray();

    /// <summary>Indices of the golden prompts.</summary>
    public static TheoryData<int> PromptIndices() => Golden.Rows(Fixture, () => Enumerable.Range(0, Prompts().Count), 0);

    private static int[] Ids(JsonNode? node) => node!.AsArray().Select(n => (int)n!).ToArray();

    [GoldenTheory(Fixture)]
    [MemberData(nameof(PromptIndices))]
    public void Padded_ids_equal_the_pipeline_tokenization(int index)
    {
        var prompt = Prompts()[index]!;
        var (text, expected) = ((string)prompt["text"]!, Ids(prompt["input_ids"]));
        var actual = Tokenizer.Value.EncodePadded(text, expected.Length).Ids;
        Assert.True(expected.SequenceEqual(actual), $"prompt {index} {text}: expected [{string.Join(",", expected)}] got [{string.Join(",", actual)}]");
    }

    [GoldenTheory(Fixture)]
    [MemberData(nameof(PromptIndices))]
    public void Untruncated_ids_equal_the_tokenizer(int index)
    {
        var prompt = Prompts()[index]!;
        Assert.Equal(Ids(prompt["input_ids_untruncated"]), Tokenizer.Value.Encode((string)prompt["text"]!));
    }

    [GoldenTheory(Fixture)]
    [MemberData(nameof(PromptIndices))]
    public void Truncation_keeps_the_leading_tokens_and_reports_what_was_cut(int index)
    {
        var prompt = Prompts()[index]!;
        var (padded, untruncated) = (Ids(prompt["input_ids"]), Ids(prompt["input_ids_untruncated"]));
        var result = Tokenizer.Value.EncodePadded((string)prompt["text"]!, padded.Length);
        var cut = Math.Max(untruncated.Length - padded.Length, 0);
        Assert.Equal(cut, result.TruncatedTokens);
        Assert.Equal(Tokenizer.Value.Decode(untruncated[(untruncated.Length - 1 - cut)..^1]), result.TruncatedText);
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
