using System.Text;

namespace Workflow.Nodes.Core.Video;

/// <summary>
/// ffmpeg's metadata file format (";FFMETADATA1", then key=value lines), which carries tags of any length where a
/// command line could not (a UI workflow is easily over Linux's 128 KiB per argument). '=', ';', '#', '\' and line
/// breaks are escaped with a backslash, as the format requires.
/// </summary>
public static class FfmetadataFile
{
    public static string Format(IEnumerable<KeyValuePair<string, string>> tags)
    {
        var text = new StringBuilder(";FFMETADATA1\n");
        foreach (var (key, value) in tags)
            text.Append(Escape(key)).Append('=').Append(Escape(value)).Append('\n');
        return text.ToString();
    }

    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '=' or ';' or '#' or '\\' or '\n' or '\r')
                escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}
