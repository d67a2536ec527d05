using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Text.Ftfy;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Text;

/// <summary>CLIP's vocab.json and merges.txt as text; <see cref="VocabSource"/> names vocab.json in errors.</summary>
internal sealed record ClipVocabularyText(string VocabJson, string Merges, string VocabSource);

/// <summary>Token ids padded or cut to the context length, and how many content tokens were cut off.</summary>
public sealed record TokenizedPrompt(int[] Ids, int TruncatedTokens, string TruncatedText);

/// <summary>
/// CLIP's byte-level BPE tokenizer, as transformers' CLIPTokenizer (slow) with ftfy installed
/// (transformers v4.38 models/clip/tokenization_clip.py; openai/CLIP simple_tokenizer.py): clean the text
/// (ftfy, whitespace, lower case), split with CLIP's pattern, BPE each word over its UTF-8 bytes with "&lt;/w&gt;" on
/// the last symbol, then add start and end tokens, keep at most context-2 content tokens and pad.
/// </summary>
public sealed class ClipTokenizer
{
    private const string EndOfWord = "</w>";
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<(string, string), int> _mergeRanks;
    private readonly ConcurrentDictionary<string, string[]> _cache = new();
    private readonly Dictionary<int, string> _idToToken;

    private readonly string[] _specialTokenTexts;

    /// <param name="specialTokenTexts">The special tokens a prompt is cut at before BPE (a loaded tokenizer's, as transformers does).</param>
    private ClipTokenizer(Dictionary<string, int> vocab, Dictionary<(string, string), int> mergeRanks, ClipSpecialTokens special, string[] specialTokenTexts)
    {
        (_vocab, _mergeRanks, Special, _specialTokenTexts) = (vocab, mergeRanks, special, specialTokenTexts);
        _idToToken = vocab.ToDictionary(kv => kv.Value, kv => kv.Key);
        foreach (var token in new[] { "<|startoftext|>", "<|endoftext|>" })
            _cache[token] = [token];
    }

    public ClipSpecialTokens Special { get; }

    /// <summary>
    /// The same vocabulary padding with <paramref name="padToken"/> (open_clip pads with 0, the token "!", where
    /// transformers' CLIP pads with the end token). Unlike a padding token named in tokenizer_config.json, it stays an
    /// ordinary token inside a prompt, as in open_clip.
    /// </summary>
    public ClipTokenizer WithPadding(string padToken) =>
        new(_vocab, _mergeRanks, Special with { Pad = _vocab.TryGetValue(padToken, out var id) ? id : throw new InvalidDataException($"the padding token '{padToken}' is not in the vocabulary") },
            _specialTokenTexts);

    /// <summary>CLIP's vocab.json is 1.6 MB and merges.txt 0.5 MB; the largest BPE vocabularies stay well under this.</summary>
    public const int MaxFileBytes = 64 << 20;

    /// <summary>Loads vocab.json, merges.txt and the special tokens of tokenizer_config.json from a folder (regular files only, bounded in size).</summary>
    public static ClipTokenizer Load(string folder)
    {
        var vocabPath = Path.Combine(folder, "vocab.json");
        var vocab = RegularFile.ReadAllText(vocabPath, MaxFileBytes);
        var merges = RegularFile.ReadAllText(Path.Combine(folder, "merges.txt"), MaxFileBytes);
        return FromText(new ClipVocabularyText(vocab, merges, vocabPath), TokenizerConfig.Read(folder), folder);
    }

    /// <summary>
    /// The tokenizer of a vocabulary given as text, with the special tokens of <paramref name="config"/> (CLIP's where
    /// it is null); failures name <paramref name="source"/>.
    /// </summary>
    internal static ClipTokenizer FromText(ClipVocabularyText text, JsonObject? config, string source)
    {
        Dictionary<string, int> vocab;
        try
        {
            vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(text.VocabJson)
                ?? throw new InvalidDataException($"{text.VocabSource} is empty (null).");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{text.VocabSource}: {ex.Message}", ex);
        }
        var ranks = new Dictionary<(string, string), int>();
        foreach (var line in text.Merges.Split('\n').Skip(1).Select(l => l.TrimEnd('\r')))   // first line: "#version: 0.2"
        {
            var parts = line.Split(' ');
            if (parts.Length == 2)
                ranks.TryAdd((parts[0], parts[1]), ranks.Count);
        }
        return new ClipTokenizer(vocab, ranks, ClipSpecialTokens.Read(source, config, vocab), ClipSpecialTokens.Texts(config));
    }

    /// <summary>
    /// Writes vocab.json and merges.txt into <paramref name="folder"/>, which <see cref="Load"/> reads back as this
    /// tokenizer (the special tokens by CLIP's names): a checkpoint written with random weights gets one beside it.
    /// </summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "vocab.json"), JsonSerializer.Serialize(_vocab));
        var merges = _mergeRanks.OrderBy(m => m.Value).Select(m => $"{m.Key.Item1} {m.Key.Item2}");
        File.WriteAllLines(Path.Combine(folder, "merges.txt"), merges.Prepend("#version: 0.2"));
    }

    /// <summary>
    /// CLIP's byte-level scheme with no merges: every UTF-8 byte is a token (ids 0–255, with "&lt;/w&gt;" 256–511) and the
    /// start/end tokens keep CLIP's ids (49406, 49407). For models made with random weights, which have no vocabulary files.
    /// </summary>
    public static ClipTokenizer ByteLevel()
    {
        var vocab = new Dictionary<string, int>();
        for (int b = 0; b < 256; b++)
        {
            vocab[ByteLevelAlphabet.ByteToChar[b].ToString()] = b;
            vocab[ByteLevelAlphabet.ByteToChar[b] + EndOfWord] = 256 + b;
        }
        vocab["<|startoftext|>"] = 49406;
        vocab["<|endoftext|>"] = 49407;
        return new ClipTokenizer(vocab, [], new ClipSpecialTokens(49406, 49407, 49407, 49407), []);
    }

    /// <summary>Start token, the content tokens, end token: no truncation, no padding.</summary>
    public int[] Encode(string text) => [Special.Start, .. EncodeContent(text), Special.End];

    /// <summary>As the pipelines call it: <c>padding="max_length", truncation=True</c> to <paramref name="contextLength"/>.</summary>
    public TokenizedPrompt EncodePadded(string text, int contextLength = 77)
    {
        var content = EncodeContent(text);
        int keep = Math.Min(content.Count, contextLength - 2);
        var ids = Enumerable.Repeat(Special.Pad, contextLength).ToArray();
        ids[0] = Special.Start;
        content.CopyTo(0, ids, 1, keep);
        ids[keep + 1] = Special.End;
        var cut = content.Skip(keep).ToList();
        return new TokenizedPrompt(ids, cut.Count, Decode(cut));
    }

    /// <summary>
    /// Text of content tokens as transformers decodes them for diffusers' truncation warning: "&lt;/w&gt;" becomes a
    /// space, then clean_up_tokenization removes the space before punctuation and contractions.
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        var bytes = ids.SelectMany(id => _idToToken[id].Replace(EndOfWord, " ").Select(c => c == ' ' ? (byte)' ' : ByteOf(c))).ToArray();
        var text = Encoding.UTF8.GetString(bytes).Trim();
        foreach (var (spaced, tight) in CleanUps)
            text = text.Replace(spaced, tight, StringComparison.Ordinal);
        return text;
    }

    private static readonly (string, string)[] CleanUps =
        [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")];

    /// <summary>
    /// The prompt cut at the special tokens written in it (a literal "!" is the padding token of SD2's and SD3's
    /// CLIP-G tokenizer, id 0, as transformers tokenizes it: diffusers issue #4153); each other part cleaned (ftfy,
    /// whitespace, lower case) and BPE-encoded.
    /// </summary>
    private List<int> EncodeContent(string text)
    {
        var ids = new List<int>();
        foreach (var (part, special) in SpecialTokenSplit.Split(text, _specialTokenTexts))
        {
            if (special)
                ids.Add(_vocab[part]);
            else
                EncodeCleaned(part, ids);
        }
        return ids;
    }

    private void EncodeCleaned(string text, List<int> ids)
    {
        var cleaned = PythonText.Lower(PythonText.CollapseWhitespace(TextFixer.FixText(text)));
        foreach (var word in ClipPreTokenizer.Split(cleaned))
        {
            var symbols = string.Concat(Encoding.UTF8.GetBytes(word).Select(b => ByteLevelAlphabet.ByteToChar[b]));
            foreach (var piece in _cache.GetOrAdd(symbols, Bpe))
                ids.Add(_vocab.TryGetValue(piece, out var id) ? id : Special.Unknown);
        }
    }

    /// <summary>Merges the lowest-ranked adjacent pair, every occurrence left to right, until no ranked pair is left.</summary>
    private string[] Bpe(string token)
    {
        var word = token.Select(c => c.ToString()).ToList();
        word[^1] += EndOfWord;
        while (word.Count > 1)
        {
            var best = word.Zip(word.Skip(1))
                .Select(pair => (Pair: pair, Rank: _mergeRanks.TryGetValue(pair, out var r) ? r : int.MaxValue))
                .MinBy(p => p.Rank);
            if (best.Rank == int.MaxValue)
                break;
            word = MergeAll(word, best.Pair);
        }
        return [.. word];
    }

    private static List<string> MergeAll(List<string> word, (string First, string Second) pair)
    {
        var merged = new List<string>(word.Count);
        for (int i = 0; i < word.Count; i++)
        {
            if (i < word.Count - 1 && word[i] == pair.First && word[i + 1] == pair.Second)
            {
                merged.Add(pair.First + pair.Second);
                i++;
            }
            else
                merged.Add(word[i]);
        }
        return merged;
    }

    private static byte ByteOf(char c) => (byte)Array.IndexOf(ByteLevelAlphabet.ByteToChar, c);
}

/// <summary>The ids of the start, end, padding and unknown tokens, from tokenizer_config.json (defaults: CLIP's).</summary>
public sealed record ClipSpecialTokens(int Start, int End, int Pad, int Unknown)
{
    private static readonly (string Key, string Fallback)[] Keys =
        [("bos_token", "<|startoftext|>"), ("eos_token", "<|endoftext|>"), ("pad_token", "<|endoftext|>"), ("unk_token", "<|endoftext|>")];

    public static ClipSpecialTokens Read(string folder, JsonObject? config, IReadOnlyDictionary<string, int> vocab)
    {
        var ids = Keys.Select(k =>
        {
            var token = TokenizerConfig.TokenText(config?[k.Key]) ?? k.Fallback;
            return vocab.TryGetValue(token, out var id) ? id : throw new InvalidDataException($"{folder}: the {k.Key} '{token}' is not in vocab.json.");
        }).ToArray();
        return new ClipSpecialTokens(ids[0], ids[1], ids[2], ids[3]);
    }

    /// <summary>The texts of the special tokens, which a prompt is cut at.</summary>
    public static string[] Texts(JsonObject? config) => [.. Keys.Select(k => TokenizerConfig.TokenText(config?[k.Key]) ?? k.Fallback).Distinct()];
}
