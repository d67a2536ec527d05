namespace Workflow.Nodes.Diffusion.Text;

/// <summary>
/// GPT-2/CLIP's bytes_to_unicode: each of the 256 byte values as a printable character, so BPE works on text that
/// never contains whitespace or control characters. Printable Latin-1 bytes map to themselves, the rest to U+0100 on.
/// </summary>
internal static class ByteLevelAlphabet
{
    public static readonly char[] ByteToChar = Build();

    private static char[] Build()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is (>= '!' and <= '~') or (>= '\u00A1' and <= '\u00AC') or (>= '\u00AE' and <= '\u00FF');
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }
}
