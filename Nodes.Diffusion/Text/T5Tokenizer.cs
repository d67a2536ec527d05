using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflow.Nodes.Diffusion.Text.SentencePiece;

namespace Workflow.Nodes.Diffusion.Text;

/// <summary>
/// T5's tokenizer as transformers' T5Tokenizer runs it (v4.33 models/t5/tokenization_t5.py, legacy; the slow
/// tokenizer T5TokenizerFast is converted from): the text is split around its special tokens (&lt;/s&gt;, &lt;unk&gt;,
/// &lt;pad&gt;, &lt;extra_id_N&gt;; the whitespace beside them dropped), each other part is encoded by the sentencepiece
/// unigram model of spiece.model, and &lt;/s&gt; ends the sequence. The extra ids count down from the top of the
/// vocabulary: &lt;extra_id_N&gt; is pieces + extra_ids − 1 − N.
/// </summary>
public sealed partial class T5Tokenizer
{
    private readonly UnigramModel _model;
    private readonly SentencePieceNormalizer _normalizer;
    private readonly SentencePieceModel _pieces;
    private readonly int _extraIds;
    private readonly string[] _specialTokens;

    private T5Tokenizer(SentencePieceModel pieces, int extraIds, string eos, string unknown, string pad, IEnumerable<string> additional)
    {
        _pieces = pieces;
        _model = new UnigramModel(pieces);
        _normalizer = new SentencePieceNormalizer(pieces.Normalizer, pieces.TreatWhitespaceAsSuffix);
        _extraIds = extraIds;
        _specialTokens = [.. new[] { eos, unknown, pad }.Concat(Enumerable.Range(0, extraIds).Select(i => $"<extra_id_{i}>")).Concat(additional).Distinct()];
        (EosId, PadId) = (TokenToId(eos), TokenToId(pad));
    }

    public int EosId { get; }

    public int PadId { get; }

    public int UnknownId => _pieces.UnknownId;

    /// <summary>The sentencepiece pieces and the extra ids after them.</summary>
    public int VocabSize => _pieces.Pieces.Count + _extraIds;

    /// <summary>Reads spiece.model and tokenizer_config.json (extra_ids, the special tokens; transformers' defaults where absent) from a folder.</summary>
    public static T5Tokenizer Load(string folder)
    {
        var config = TokenizerConfig.Read(folder);
        var pieces = SentencePieceModel.Load(Path.Combine(folder, "spiece.model"));
        int extraIds = config?["extra_ids"] is JsonValue extra && extra.TryGetValue<int>(out var n) ? n : 100;
        if (extraIds is < 0 or > 10_000)
            throw new InvalidDataException($"{Path.Combine(folder, "tokenizer_config.json")}: extra_ids = {extraIds} must be between 0 and 10,000");
        var additional = (config?["additional_special_tokens"] as JsonArray ?? []).Select(TokenizerConfig.TokenText).OfType<string>();
        return new T5Tokenizer(pieces, extraIds, TokenizerConfig.TokenText(config?["eos_token"]) ?? "</s>",
            TokenizerConfig.TokenText(config?["unk_token"]) ?? "<unk>", TokenizerConfig.TokenText(config?["pad_token"]) ?? "<pad>", additional);
    }

    /// <summary>The ids of <paramref name="text"/> followed by &lt;/s&gt; (unless it already ends so): no truncation, no padding.</summary>
    public int[] Encode(string text)
    {
        var ids = Tokenize(text).Select(TokenToId).ToList();
        return ids.Count > 0 && ids[^1] == EosId ? [.. ids] : [.. ids, EosId];
    }

    /// <summary>As the SD3 pipeline calls it: <c>padding="max_length", truncation=True</c> to <paramref name="maxLength"/>, &lt;/s&gt; kept last.</summary>
    public TokenizedPrompt EncodePadded(string text, int maxLength)
    {
        var content = Tokenize(text).Select(TokenToId).ToList();
        int keep = Math.Min(content.Count, maxLength - 1);
        var ids = content.Take(keep).ToList();
        if (ids.Count == 0 || ids[^1] != EosId)
            ids.Add(EosId);
        var cut = content.Skip(keep).ToList();
        return new TokenizedPrompt([.. ids, .. Enumerable.Repeat(PadId, maxLength - ids.Count)], cut.Count, Decode(cut));
    }

    /// <summary>The text of ids, pieces joined with ▁ as spaces; special tokens are left out.</summary>
    public string Decode(IEnumerable<int> ids) =>
        UnigramModel.Decode(ids.Where(id => id >= 0 && id < _pieces.Pieces.Count && _pieces.Pieces[id].Type != PieceType.Control).Select(id => _pieces.Pieces[id].Text));

    /// <summary>The special tokens as they stand, and the sentencepiece pieces of the text between them.</summary>
    private List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        foreach (var (part, special) in SpecialTokenSplit.Split(text, _specialTokens))
        {
            if (special)
                tokens.Add(part);
            else if (part.Length > 0)
                tokens.AddRange(_model.Encode(_normalizer.Normalize(part)).Select(p => p.Text));
        }
        return tokens;
    }

    private int TokenToId(string token) =>
        ExtraIdPattern().Match(token) is { Success: true } match && int.TryParse(match.Groups[1].ValueSpan, out var n)
            ? VocabSize - n - 1
            : _model.PieceToId(token);

    [GeneratedRegex(@"^<extra_id_(\d+)>")]
    private static partial Regex ExtraIdPattern();
}
