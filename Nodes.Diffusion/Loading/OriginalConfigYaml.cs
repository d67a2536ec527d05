using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Reads the YAML subset of LDM's original configs (v1-inference.yaml and its kind): nested mappings by indentation,
/// "- scalar" lists, flat flow lists "[ 1, 2, 4 ]", scalars (a quoted one may run over several lines, folded with
/// spaces, as PyYAML writes long strings), comments. Nested flow collections, anchors and block strings are not part
/// of it and are refused.
/// Scalars become JSON numbers (finite ones), booleans, null or strings, so sections deserialize into config records.
/// </summary>
public static class OriginalConfigYaml
{
    /// <summary>LDM's configs are 2–5 KB; a megabyte is any config, and not a memory attack.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>LDM's configs nest 6 deep.</summary>
    private const int MaxDepth = 32;

    /// <summary>Reads the config beside a checkpoint (a regular file, at most <see cref="MaxBytes"/>); errors name the file.</summary>
    public static YamlValues Load(string path)
    {
        try
        {
            return new YamlValues(Parse(RegularFile.ReadAllText(path, MaxBytes)), path);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>The same-stem .yaml beside <paramref name="checkpoint"/> (model.safetensors → model.yaml), or null where there is none.</summary>
    public static YamlValues? Beside(string checkpoint)
    {
        var path = Path.ChangeExtension(checkpoint, ".yaml");
        return File.Exists(path) ? Load(path) : null;
    }

    public static JsonObject Parse(string text)
    {
        var lines = JoinQuotedContinuations(text.Split('\n')
            .Select((raw, number) => (Text: StripComment(raw).TrimEnd(), Number: number + 1))
            .Where(l => l.Text.Trim().Length > 0)
            .ToList());
        if (lines.Count == 0)
            throw new InvalidDataException("the YAML document is empty");
        int index = 0;
        var root = ParseBlock(lines, ref index, indent: 0, depth: 0);
        return root as JsonObject ?? throw new InvalidDataException("the YAML document is not a mapping");
    }

    /// <summary>A quoted value left open at the end of its line continues on the next lines, each folded in with one space.</summary>
    private static List<(string Text, int Number)> JoinQuotedContinuations(List<(string Text, int Number)> lines)
    {
        var joined = new List<(string Text, int Number)>();
        for (int i = 0; i < lines.Count; i++)
        {
            var (text, number) = lines[i];
            while (OpenQuote(text) is char quote && !ClosesWith(text, quote))
            {
                if (++i == lines.Count)
                    throw new InvalidDataException($"YAML line {number}: the quoted value is not closed");
                text = text + " " + lines[i].Text.Trim();
            }
            joined.Add((text, number));
        }
        return joined;
    }

    /// <summary>The quote a "key: 'value" or "- 'value" line opens, if any.</summary>
    private static char? OpenQuote(string text)
    {
        var content = text.Trim();
        int colon = content.IndexOf(": ", StringComparison.Ordinal);
        var value = content.StartsWith("- ", StringComparison.Ordinal) ? content[2..].TrimStart() : colon > 0 ? content[(colon + 2)..].TrimStart() : "";
        return value.Length > 0 && value[0] is '\'' or '"' ? value[0] : null;
    }

    private static bool ClosesWith(string text, char quote)
    {
        var value = text.TrimEnd();
        int opening = value.IndexOf(quote);
        return value.Length - 1 > opening && value[^1] == quote;
    }

    private static JsonNode ParseBlock(List<(string Text, int Number)> lines, ref int index, int indent, int depth)
    {
        if (depth > MaxDepth)
            throw new InvalidDataException($"YAML line {lines[index].Number}: nested deeper than {MaxDepth} levels");
        bool isList = lines[index].Text.TrimStart().StartsWith("- ", StringComparison.Ordinal);
        JsonNode block = isList ? new JsonArray() : new JsonObject();
        while (index < lines.Count)
        {
            var (text, number) = lines[index];
            int current = text.Length - text.TrimStart().Length;
            if (current < indent)
                break;
            if (current > indent)
                throw new InvalidDataException($"YAML line {number}: unexpected indentation");
            var content = text.Trim();
            if (isList && !content.StartsWith("- ", StringComparison.Ordinal))
                break;   // a list written at its key's indentation ends at the next key
            index++;
            if (isList)
                ((JsonArray)block).Add(Scalar(Expect(content, "- ", number)[2..]));
            else
                AddEntry((JsonObject)block, content, number, lines, ref index, (indent, depth));
        }
        return block;
    }

    private static void AddEntry(JsonObject block, string content, int number, List<(string Text, int Number)> lines, ref int index, (int Indent, int Depth) at)
    {
        int colon = content.IndexOf(':');
        if (colon <= 0)
            throw new InvalidDataException($"YAML line {number}: expected 'key: value'");
        var key = content[..colon].Trim();
        var value = content[(colon + 1)..].Trim();
        if (value.Length > 0)
            block[key] = Scalar(value);
        else if (index < lines.Count && Indent(lines[index].Text) > at.Indent
                 || index < lines.Count && lines[index].Text.TrimStart().StartsWith("- ", StringComparison.Ordinal) && Indent(lines[index].Text) >= at.Indent)
            block[key] = ParseBlock(lines, ref index, Indent(lines[index].Text), at.Depth + 1);
        else
            block[key] = null;
    }

    private static int Indent(string text) => text.Length - text.TrimStart().Length;

    private static string Expect(string content, string prefix, int number) =>
        content.StartsWith(prefix, StringComparison.Ordinal) ? content : throw new InvalidDataException($"YAML line {number}: expected a list item");

    private static JsonNode? Scalar(string value)
    {
        if (value is "null" or "~")
            return null;
        if (value is "true" or "True")
            return true;
        if (value is "false" or "False")
            return false;
        if (value.StartsWith('[') && value.EndsWith(']') && !value[1..^1].Contains('[') && !value[1..^1].Contains('{'))
            return new JsonArray(value[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Scalar).ToArray());
        // Numbers as JSON elements, so a value is readable as int, long or double alike.
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(JsonSerializer.SerializeToElement(integer));
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            return JsonValue.Create(JsonSerializer.SerializeToElement(number));
        if (value.StartsWith('[') || value.StartsWith('{') || value.StartsWith('&') || value.StartsWith('|') || value.StartsWith('>'))
            throw new InvalidDataException($"YAML value '{value}' uses syntax outside the supported subset");
        return value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;
    }

    private static string StripComment(string line)
    {
        int hash = line.IndexOf(" #", StringComparison.Ordinal);
        return line.TrimStart().StartsWith('#') ? "" : hash >= 0 ? line[..hash] : line;
    }
}
