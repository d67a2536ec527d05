using System.Text;

namespace Workflow.Nodes.Diffusion.Text.SentencePiece;

/// <summary>A piece of an encoding: its text (as it stands in the normalized input) and its vocabulary id.</summary>
public readonly record struct EncodedPiece(string Text, int Id);

/// <summary>
/// sentencepiece's unigram segmentation (unigram_model.cc, Model::Encode): the Viterbi path through every
/// vocabulary piece that matches the normalized text, scored by the pieces' log-probabilities (float32 sums, the
/// first best path kept on ties); a character no piece starts with becomes the unknown piece, scored as the lowest
/// normal score minus 10. User-defined pieces score length · max score + 1 so they always win; unused pieces are
/// never chosen. Runs of unknown pieces are merged into one (sentencepiece_processor.cc), as the tokenizer returns them.
/// </summary>
internal sealed class UnigramModel
{
    private const float UnknownPenalty = 10f;
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _reservedIds = new(StringComparer.Ordinal);
    private readonly SentencePieceModel _model;
    private readonly float _minScore = float.MaxValue, _maxScore = float.MinValue;
    private readonly int _longestPiece;

    public UnigramModel(SentencePieceModel model)
    {
        _model = model;
        for (int id = 0; id < model.Pieces.Count; id++)
        {
            var piece = model.Pieces[id];
            if (piece.Type is PieceType.Normal or PieceType.UserDefined or PieceType.Unused)
                _ids.TryAdd(piece.Text, id);
            else
                _reservedIds.TryAdd(piece.Text, id);
            if (piece.Type == PieceType.Normal)
                (_minScore, _maxScore) = (Math.Min(_minScore, piece.Score), Math.Max(_maxScore, piece.Score));
            _longestPiece = Math.Max(_longestPiece, piece.Text.EnumerateRunes().Count());
        }
    }

    public List<EncodedPiece> Encode(string normalized)
    {
        // Positions are Unicode scalar values, as sentencepiece walks UTF-8 characters.
        var starts = new List<int>();
        for (int i = 0; i < normalized.Length; i += char.IsSurrogatePair(normalized, i) ? 2 : 1)
            starts.Add(i);
        starts.Add(normalized.Length);
        int length = starts.Count - 1;
        var best = new (float Score, int Start, int Id, bool Reached)[length + 1];
        best[0].Reached = true;
        float unknownScore = _minScore - UnknownPenalty;
        for (int begin = 0; begin < length; begin++)
        {
            bool hasSingleCharacter = false;
            for (int end = begin + 1; end <= Math.Min(length, begin + _longestPiece); end++)
            {
                if (!_ids.TryGetValue(normalized[starts[begin]..starts[end]], out var id) || _model.Pieces[id].Type == PieceType.Unused)
                    continue;
                var piece = _model.Pieces[id];
                float score = piece.Type == PieceType.UserDefined ? (end - begin) * _maxScore + 1f : piece.Score;
                Relax(best, begin, end, id, score);
                hasSingleCharacter |= end == begin + 1;
            }
            if (!hasSingleCharacter)
                Relax(best, begin, begin + 1, _model.UnknownId, unknownScore);
        }
        var path = new List<EncodedPiece>();
        for (int end = length; end > 0; end = best[end].Start)
            path.Add(new EncodedPiece(normalized[starts[best[end].Start]..starts[end]], best[end].Id));
        path.Reverse();
        return MergeUnknownRuns(path);
    }

    /// <summary>Keeps the better path into <paramref name="end"/>: the first one seen, unless a later one scores strictly higher.</summary>
    private static void Relax((float Score, int Start, int Id, bool Reached)[] best, int begin, int end, int id, float score)
    {
        float candidate = best[begin].Score + score;
        if (!best[end].Reached || candidate > best[end].Score)
            best[end] = (candidate, begin, id, true);
    }

    private List<EncodedPiece> MergeUnknownRuns(List<EncodedPiece> pieces)
    {
        var merged = new List<EncodedPiece>(pieces.Count);
        foreach (var piece in pieces)
        {
            if (piece.Id == _model.UnknownId && merged.Count > 0 && merged[^1].Id == _model.UnknownId)
                merged[^1] = merged[^1] with { Text = merged[^1].Text + piece.Text };
            else
                merged.Add(piece);
        }
        return merged;
    }

    /// <summary>The id of a piece's text, control and unknown pieces included; anything else is the unknown id (PieceToId).</summary>
    public int PieceToId(string text) =>
        _reservedIds.TryGetValue(text, out var id) || _ids.TryGetValue(text, out id) ? id : _model.UnknownId;

    public static string Decode(IEnumerable<string> pieces) => new StringBuilder().AppendJoin("", pieces).Replace('\u2581', ' ').ToString().Trim();
}
