using System.Text.Json;

namespace Workflow.Torch.IO;

/// <summary>
/// Parses and validates a safetensors header (https://github.com/huggingface/safetensors, "Format"): a JSON object
/// mapping tensor names to {dtype, shape, data_offsets}, plus an optional string-to-string "__metadata__".
/// As the reference implementation (safetensors/src/tensor.rs, validate) does, the tensors must tile the data
/// section exactly: no overlap, no gap, no trailing bytes, and each byte range must be shape x itemsize long.
/// </summary>
internal sealed record SafeTensorsHeader(IReadOnlyList<SafeTensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The reference implementation's limit (safetensors/src/tensor.rs, MAX_HEADER_SIZE).</summary>
    public const long MaxLength = 100_000_000;

    /// <summary>
    /// More tensors than any one model file holds (SD1.5 has about 1,100, SDXL 2,500), so a header of a million empty
    /// entries is refused before it costs a gigabyte of entries and before anything counts through them.
    /// </summary>
    public const int MaxEntries = 100_000;

    private const string MetadataKey = "__metadata__";

    public static SafeTensorsHeader Parse(string path, byte[] json, long dataLength)
    {
        JsonDocument document;
        try
        {
            if (TopLevelEntries(json) > MaxEntries)
                throw new SafeTensorsException(path, null, $"the header lists more than {MaxEntries:N0} entries, more than any model file holds");
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsException(path, null, $"the header is not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsException(path, null, $"the header is a JSON {document.RootElement.ValueKind}, not an object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<SafeTensorsEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw new SafeTensorsException(path, property.Name, "appears twice in the header");
                if (property.Name == MetadataKey)
                    ReadMetadata(path, property.Value, metadata);
                else
                    entries.Add(ReadEntry(path, property.Name, property.Value, dataLength));
            }
            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            CheckTiling(path, entries, dataLength);
            return new SafeTensorsHeader(entries, metadata);
        }
    }

    /// <summary>Counts the header's entries in one pass that allocates nothing, before a document of them is built.</summary>
    private static int TopLevelEntries(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        int entries = 0;
        while (reader.Read() && entries <= MaxEntries)
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                entries++;
        return entries;
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsException(path, null, $"{MetadataKey} is a JSON {value.ValueKind}, not an object of strings");
        foreach (var item in value.EnumerateObject())
            metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String
                ? item.Value.GetString()!
                : throw new SafeTensorsException(path, null, $"{MetadataKey} value '{item.Name}' is a JSON {item.Value.ValueKind}, not a string");
    }

    private static SafeTensorsEntry ReadEntry(string path, string name, JsonElement value, long dataLength)
    {
        SafeTensorsException Invalid(string problem) => new(path, name, problem);
        if (value.ValueKind != JsonValueKind.Object)
            throw Invalid($"is a JSON {value.ValueKind}, not an object with dtype, shape and data_offsets");
        var dtypeName = value.TryGetProperty("dtype", out var d) && d.ValueKind == JsonValueKind.String
            ? d.GetString()!
            : throw Invalid("has no dtype string");
        if (!SafeTensorsDtype.TryParse(dtypeName, out var dtype))
            throw Invalid($"unsupported dtype '{dtypeName}' (supported: {SafeTensorsDtype.Supported})");
        var shape = ReadIntegers(value, "shape", Invalid);
        var offsets = ReadIntegers(value, "data_offsets", Invalid);
        if (offsets.Length != 2)
            throw Invalid($"data_offsets has {offsets.Length} values, expected [begin, end]");
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end)
            throw Invalid($"data_offsets [{begin}, {end}] end before they begin");
        if (end > dataLength)
            throw Invalid($"data_offsets [{begin}, {end}] extend past the data section ({dataLength} bytes)");
        var expected = ByteLength(shape, dtype) ?? throw Invalid($"shape [{string.Join(", ", shape)}] is too large");
        if (expected != end - begin)
            throw Invalid($"holds {end - begin} bytes but {dtypeName} [{string.Join(", ", shape)}] needs {expected}");
        return new SafeTensorsEntry(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement entry, string field, Func<string, SafeTensorsException> invalid)
    {
        if (!entry.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw invalid($"has no {field} array");
        return array.EnumerateArray()
            .Select(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0
                ? n
                : throw invalid($"{field} holds {v.GetRawText()}, not a non-negative integer"))
            .ToArray();
    }

    private static long? ByteLength(long[] shape, ScalarType dtype)
    {
        try
        {
            return shape.Aggregate((long)dtype.ElementSize(), (total, size) => checked(total * size));
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static void CheckTiling(string path, List<SafeTensorsEntry> sorted, long dataLength)
    {
        var cursor = 0L;
        SafeTensorsEntry? previous = null;
        foreach (var entry in sorted)
        {
            if (entry.Begin < cursor)
                throw new SafeTensorsException(path, entry.Name,
                    $"bytes [{entry.Begin}, {entry.End}) overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End})");
            if (entry.Begin > cursor)
                throw new SafeTensorsException(path, entry.Name,
                    $"starts at byte {entry.Begin}, leaving bytes [{cursor}, {entry.Begin}) of the data section unused");
            (cursor, previous) = (entry.End, entry);
        }
        if (cursor != dataLength)
            throw new SafeTensorsException(path, null,
                $"the data section has {dataLength - cursor} bytes after the last tensor that no tensor covers");
    }
}
