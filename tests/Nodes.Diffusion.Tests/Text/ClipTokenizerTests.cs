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

    /// <summary>transformers runs ftfy before BPE: mojibake tokenizes as the text it stands for.</summary>
    [GoldenTheory(Fixture)]
    [InlineData("broken enc\u00e2\u20ac\u2122s", "broken enc's")]
    [InlineData("The Mona Lisa doesnÃƒÂ¢Ã¢â€šÂ¬Ã¢â€žÂ¢t have eyebrows.", "The Mona Lisa doesn't have eyebrows.")]
    [InlineData("HÃ´tel de Police", "Hôtel de Police")]
    [InlineData("Ä°stanbul", "İstanbul")]
    public void Mojibake_tokenizes_as_the_text_it_stands_for(string mojibake, string text) =>
        Assert.Equal(Tokenizer.Value.Encode(text), Tokenizer.Value.Encode(mojibake));

    [Fact]
    public void Python_lower_case_maps_dotted_capital_i_and_final_sigma()
    {
        Assert.Equal("i\u0307stanbul", PythonText.Lower("İSTANBUL"));
        Assert.Equal("οδος οδος", PythonText.Lower("ΟΔΟΣ ΟΔΟΣ"));   // final sigma at the end of each word
        Assert.Equal("σα", PythonText.Lower("ΣΑ"));
        Assert.Equal("σ", PythonText.Lower("Σ"));                  // no cased letter before it
    }

    /// <summary>open_clip's tokenizer pads with 0, the id of "!", where transformers' CLIP pads with its end token.</summary>
    [GoldenFact(Fixture)]
    public void Open_clip_padding_fills_with_the_exclamation_mark()
    {
        var openClip = Tokenizer.Value.WithPadding("!");
        var prompt = (string)Prompts()[0]!["text"]!;

        var (padded, content) = (openClip.EncodePadded(prompt).Ids, Tokenizer.Value.Encode(prompt));

        Assert.Equal("!", openClip.Decode([openClip.Special.Pad]));
        Assert.Equal(content, padded[..content.Length]);
        Assert.All(padded[content.Length..], id => Assert.Equal(openClip.Special.Pad, id));
        Assert.Throws<InvalidDataException>(() => Tokenizer.Value.WithPadding("no-such-token"));
    }
}
