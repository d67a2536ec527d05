using System.Text;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Text.SentencePiece;

/// <summary>sentencepiece's ModelProto.SentencePiece.Type.</summary>
public enum PieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>One vocabulary entry: its text (with ▁ for spaces), its log-probability, its kind.</summary>
public sealed record Piece(string Text, float Score, PieceType Type);

/// <summary>sentencepiece's NormalizerSpec: the compiled character map (NFKC and the like) and the whitespace rules.</summary>
public sealed record NormalizerSpec(string Name, byte[] PrecompiledCharsMap, bool AddDummyPrefix, bool RemoveExtraWhitespaces, bool EscapeWhitespaces);

/// <summary>
/// A sentencepiece model file (spiece.model, sentencepiece_model.proto's ModelProto): the pieces with their scores
/// and types, the normalizer spec and what the trainer spec says about encoding (model type, unknown id, whitespace
/// as suffix, byte fallback). Field numbers and defaults are the proto's; only unigram models are read.
/// </summary>
public sealed class SentencePieceModel
{
    /// <summary>T5's spiece.model is 0.8 MB, the largest public unigram models (250k pieces) a few MB.</summary>
    public const int MaxFileBytes = 64 << 20;

    private SentencePieceModel(List<Piece> pieces, NormalizerSpec normalizer, int unknownId, bool treatWhitespaceAsSuffix)
    {
        (Pieces, Normalizer, UnknownId, TreatWhitespaceAsSuffix) = (pieces, normalizer, unknownId, treatWhitespaceAsSuffix);
    }

    public IReadOnlyList<Piece> Pieces { get; }

    public NormalizerSpec Normalizer { get; }

    public int UnknownId { get; }

    public bool TreatWhitespaceAsSuffix { get; }

    /// <summary>Reads <paramref name="path"/> (a regular file, at most <see cref="MaxFileBytes"/>); problems name the file.</summary>
    public static SentencePieceModel Load(string path)
    {
        try
        {
            return Parse(RegularFile.ReadAllBytes(path, MaxFileBytes));
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path} is not a sentencepiece model: {ex.Message}", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new NotSupportedException($"{path}: {ex.Message}", ex);
        }
    }

    public static SentencePieceModel Parse(byte[] data)
    {
        var pieces = new List<Piece>();
        var normalizer = new NormalizerSpec("", [], AddDummyPrefix: true, RemoveExtraWhitespaces: true, EscapeWhitespaces: true);
        int modelType = 1, unknownId = 0;
        bool suffix = false, byteFallback = false;
        foreach (var field in ProtobufReader.Fields(data))
        {
            switch (field.Number)
            {
                case 1:
                    pieces.Add(ReadPiece(field.Bytes));
                    break;
                case 2:
                    foreach (var trainer in ProtobufReader.Fields(field.Bytes))
                    {
                        switch (trainer.Number)
                        {
                            case 3: modelType = (int)trainer.Varint; break;
                            case 24: suffix = trainer.Varint != 0; break;
                            case 35: byteFallback = trainer.Varint != 0; break;
                            case 40: unknownId = (int)trainer.Varint; break;
                        }
                    }
                    break;
                case 3:
                    normalizer = ReadNormalizer(field.Bytes);
                    break;
            }
        }
        if (modelType != 1)
            throw new NotSupportedException($"model_type {modelType} is not supported: only unigram models (type 1, T5's) are read");
        if (byteFallback)
            throw new NotSupportedException("byte_fallback models are not supported (T5's tokenizer has none)");
        if (pieces.Count == 0)
            throw new InvalidDataException("it has no pieces");
        if (unknownId < 0 || unknownId >= pieces.Count || pieces[unknownId].Type != PieceType.Unknown)
            throw new InvalidDataException($"unk_id {unknownId} is not an unknown piece");
        return new SentencePieceModel(pieces, normalizer, unknownId, suffix);
    }

    private static Piece ReadPiece(ReadOnlyMemory<byte> message)
    {
        var (text, score, type) = ("", 0f, PieceType.Normal);
        foreach (var field in ProtobufReader.Fields(message))
        {
            switch (field.Number)
            {
                case 1: text = Encoding.UTF8.GetString(field.Bytes.Span); break;
                case 2: score = BitConverter.UInt32BitsToSingle(field.Fixed32); break;
                case 3: type = Enum.IsDefined((PieceType)field.Varint) ? (PieceType)field.Varint : throw new InvalidDataException($"piece '{text}' has type {field.Varint}"); break;
            }
        }
        return new Piece(text, score, type);
    }

    private static NormalizerSpec ReadNormalizer(ReadOnlyMemory<byte> message)
    {
        var spec = new NormalizerSpec("", [], AddDummyPrefix: true, RemoveExtraWhitespaces: true, EscapeWhitespaces: true);
        foreach (var field in ProtobufReader.Fields(message))
        {
            spec = field.Number switch
            {
                1 => spec with { Name = Encoding.UTF8.GetString(field.Bytes.Span) },
                2 => spec with { PrecompiledCharsMap = field.Bytes.ToArray() },
                3 => spec with { AddDummyPrefix = field.Varint != 0 },
                4 => spec with { RemoveExtraWhitespaces = field.Varint != 0 },
                5 => spec with { EscapeWhitespaces = field.Varint != 0 },
                _ => spec,
            };
        }
        return spec;
    }
}
