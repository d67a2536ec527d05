namespace Workflow.Torch.IO;

/// <summary>The safetensors dtype names and the libtorch dtypes they read as.</summary>
internal static class SafeTensorsDtype
{
    private static readonly Dictionary<string, ScalarType> ByName = new(StringComparer.Ordinal)
    {
        ["F64"] = ScalarType.Float64,
        ["F32"] = ScalarType.Float32,
        ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64,
        ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16,
        ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.UInt8,
        ["BOOL"] = ScalarType.Bool,
    };

    private static readonly Dictionary<ScalarType, string> ByType = ByName.ToDictionary(p => p.Value, p => p.Key);

    public static string Supported => string.Join(", ", ByName.Keys);

    public static bool TryParse(string name, out ScalarType type) => ByName.TryGetValue(name, out type);

    public static string NameOf(ScalarType type) =>
        ByType.TryGetValue(type, out var name) ? name : throw new NotSupportedException($"{type} has no safetensors dtype");
}
