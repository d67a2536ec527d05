using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Text;

/// <summary>transformers' tokenizer_config.json: read from a regular file of bounded size, special tokens written either way.</summary>
internal static class TokenizerConfig
{
    /// <summary>A few kilobytes in practice; a megabyte is any config, and not a memory attack.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>The config in <paramref name="folder"/>, or null where the folder has none; malformed JSON fails naming the file.</summary>
    public static JsonObject? Read(string folder)
    {
        var path = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonNode.Parse(RegularFile.ReadAllText(path, MaxBytes)) as JsonObject;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>A token is written as a string or as <c>{"content": ...}</c>.</summary>
    public static string? TokenText(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o => (string?)o["content"],
        _ => null,
    };
}
