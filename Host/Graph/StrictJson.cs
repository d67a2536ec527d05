using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Workflow.Host.Graph;

/// <summary>
/// Reads JSON from a file or a request completely before anything uses it. System.Text.Json reads objects lazily:
/// a repeated key, or a string escaping half of a UTF-16 surrogate pair (<c>"\ud800"</c>), passes the parser and
/// fails only when later code looks inside, as a bare exception naming nothing. Here both are refused up front with
/// their path, line and column; so is text that is not UTF-8, which would otherwise turn into U+FFFD (in output file
/// names, for one). Python's json module silently keeps the last of repeated keys; we refuse them (README, "Choices").
/// </summary>
public static class StrictJson
{
    /// <summary>System.Text.Json's default nesting limit, stated: deeper documents are refused naming it.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    public static StrictJsonResult Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith(Encoding.UTF8.Preamble))
            utf8 = utf8[Encoding.UTF8.Preamble.Length..];
        if (!Utf8.IsValid(utf8))
        {
            var at = FirstInvalidByte(utf8);
            return Fail($"Not UTF-8 text: byte 0x{utf8[at]:X2} is not part of a UTF-8 character", utf8, at);
        }
        return Check(utf8) ?? StrictJsonResult.Ok(JsonNode.Parse(utf8, documentOptions: DocumentOptions));
    }

    public static StrictJsonResult Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    /// <summary>One forward pass: the reader's own errors, then repeated keys and strings that are not text.</summary>
    private static StrictJsonResult? Check(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var path = new JsonPath();
        try
        {
            while (reader.Read())
            {
                path.Enter(reader.TokenType);
                var problem = reader.TokenType switch
                {
                    JsonTokenType.PropertyName => TextOf(ref reader) is { } key ? path.Key(key) : Surrogate("key", ref reader, path),
                    JsonTokenType.String when reader.ValueIsEscaped && TextOf(ref reader) is null => Surrogate("string", ref reader, path),
                    _ => null,
                };
                if (problem is not null)
                    return Fail(problem, utf8, (int)reader.TokenStartIndex);
                path.Leave(reader.TokenType);
            }
            return null;
        }
        catch (JsonException ex)
        {
            // The reader's message ends with its own zero-based " LineNumber: … | BytePositionInLine: …": said better here.
            var reason = ex.Message.Split(" LineNumber:")[0];
            var (line, column) = ((int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1);
            return StrictJsonResult.Fail($"Malformed JSON at line {line}, column {column}: {reason}", line, column);
        }
    }

    /// <summary>The token's text; null when it escapes a lone surrogate, which no .NET string of text can hold.</summary>
    private static string? TextOf(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Surrogate(string what, ref Utf8JsonReader reader, JsonPath path) =>
        $"The {what} \"{Echo.Text(Encoding.UTF8.GetString(reader.ValueSpan))}\" at {path} escapes half of a UTF-16 surrogate pair, which is not text";

    private static StrictJsonResult Fail(string problem, ReadOnlySpan<byte> utf8, int offset)
    {
        var before = utf8[..offset];
        var (line, column) = (before.Count((byte)'\n') + 1, offset - before.LastIndexOf((byte)'\n'));
        return StrictJsonResult.Fail($"{problem} (line {line}, column {column}).", line, column);
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        int offset = 0;
        while (Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) == OperationStatus.Done)
            offset += consumed;
        return offset;
    }

    /// <summary>
    /// Where the reader is, as <c>$["9"]["inputs"][0]</c>, and the keys each open object has had so far (to find a
    /// repeated one): memory in proportion to the keys of the objects still open.
    /// </summary>
    private sealed class JsonPath
    {
        private readonly List<Scope> _open = [];

        /// <summary>A key of the innermost object: null when new, else the problem.</summary>
        public string? Key(string key)
        {
            var scope = _open[^1];
            scope.Key = null;
            if (!scope.Keys!.Add(key))
                return $"The key \"{Echo.Text(key)}\" appears twice in {this}";
            scope.Key = key;
            return null;
        }

        /// <summary>Before a token is looked at: a value starting inside an array moves its index on.</summary>
        public void Enter(JsonTokenType token)
        {
            if (token is not (JsonTokenType.PropertyName or JsonTokenType.EndObject or JsonTokenType.EndArray) && _open.Count > 0 && _open[^1].Keys is null)
                _open[^1].Index++;
        }

        /// <summary>After a token: containers open and close.</summary>
        public void Leave(JsonTokenType token)
        {
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                _open.Add(new Scope(token == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null));
            else if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                _open.RemoveAt(_open.Count - 1);
        }

        public override string ToString()
        {
            var text = new StringBuilder("$");
            foreach (var scope in _open.Where(s => s.Keys is null ? s.Index >= 0 : s.Key is not null))
                text.Append(scope.Keys is null ? $"[{scope.Index}]" : $"[\"{Echo.Text(scope.Key!)}\"]");
            return text.ToString();
        }

        private sealed class Scope(HashSet<string>? keys)
        {
            public HashSet<string>? Keys { get; } = keys;
            public string? Key { get; set; }
            public int Index { get; set; } = -1;
        }
    }
}

/// <summary>The parsed JSON, or why it was refused, with line and column.</summary>
public sealed record StrictJsonResult(JsonNode? Node, string? Error, int Line, int Column)
{
    public static StrictJsonResult Ok(JsonNode? node) => new(node, null, 0, 0);
    public static StrictJsonResult Fail(string error, int line, int column) => new(null, error, line, column);
}
