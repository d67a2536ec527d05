namespace Workflow.Nodes.Diffusion.Text;

/// <summary>
/// How transformers' slow tokenizers (v4.33 tokenization_utils.py, tokenize) treat special tokens written in a prompt:
/// the text is cut at each one (leftmost first, the longest where several start at one place), and the whitespace
/// beside a special token is dropped. The special tokens stand as they are; the parts between them are tokenized.
/// </summary>
internal static class SpecialTokenSplit
{
    public static List<(string Part, bool Special)> Split(string text, IReadOnlyCollection<string> specialTokens)
    {
        var parts = new List<(string Part, bool Special)>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            var token = specialTokens.Where(t => t.Length > 0 && string.CompareOrdinal(text, i, t, 0, t.Length) == 0).MaxBy(t => t.Length);
            if (token is null)
                continue;
            parts.Add((text[start..i], false));
            parts.Add((token, true));
            start = i + token.Length;
            i = start - 1;
        }
        parts.Add((text[start..], false));
        for (int i = 0; i < parts.Count; i++)
        {
            if (!parts[i].Special)
                continue;
            parts[i - 1] = (parts[i - 1].Part.TrimEnd(), false);
            parts[i + 1] = (parts[i + 1].Part.TrimStart(), false);
        }
        return parts;
    }
}
