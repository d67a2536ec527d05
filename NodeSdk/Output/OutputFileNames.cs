using System.Globalization;
using System.Text.RegularExpressions;

namespace Workflow.NodeSdk;

/// <summary>
/// ComfyUI's output naming (folder_paths.get_save_image_path): the prefix may hold subfolders and
/// %width% %height% %year% %month% %day% %hour% %minute% %second%; files are "{name}_{counter:05}_.{ext}" with the
/// counter one past the highest already in the folder for that name. The prefix is resolved against the output folder,
/// never the current directory, and one that escapes it is refused.
/// </summary>
public static partial class OutputFileNames
{
    public sealed record Target(string Folder, string Name, string Subfolder, int Counter)
    {
        public string FileName(int counter, string extension) => $"{Name}_{counter:D5}_.{extension}";
    }

    public static Target Resolve(string outputRoot, string prefix, int width = 0, int height = 0)
    {
        // As ComfyUI: the prefix is normalized against the output folder, never the current directory, and must stay
        // inside it; a trailing '/' is dropped, as os.path.normpath drops it.
        var expanded = ExpandVariables(prefix, width, height, DateTime.Now).Replace('\\', '/').TrimEnd('/');
        if (expanded.Contains('\0'))
            throw new ArgumentException($"Filename prefix '{prefix.Replace("\0", "\\0")}' holds a NUL character.");
        if (expanded.Length == 0)
            throw new ArgumentException($"Filename prefix '{prefix}' names no file.");
        if (Path.IsPathRooted(expanded) || Inside(outputRoot, expanded) is not { } full)
            throw new ArgumentException($"Filename prefix '{prefix}' leads outside the output folder.");
        var relative = Path.GetRelativePath(outputRoot, full).Replace('\\', '/');
        var subfolder = Path.GetDirectoryName(relative)?.Replace('\\', '/') ?? "";
        var name = Path.GetFileName(relative);
        var folder = Path.GetDirectoryName(full)!;
        return new Target(folder, name, subfolder, NextCounter(folder, name));
    }

    private static string? Inside(string root, string relativeName)
    {
        try
        {
            return NodePaths.ResolveInside(root, relativeName);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Creates the file exclusively, moving to the next counter if another writer took the name first.</summary>
    public static (FileStream Stream, string FileName, int Counter) CreateNext(Target target, int counter, string extension)
    {
        Directory.CreateDirectory(target.Folder);
        for (; ; counter++)
        {
            var fileName = target.FileName(counter, extension);
            try
            {
                return (new FileStream(Path.Combine(target.Folder, fileName), FileMode.CreateNew, FileAccess.Write), fileName, counter);
            }
            catch (IOException) when (File.Exists(Path.Combine(target.Folder, fileName)))
            {
            }
        }
    }

    private static int NextCounter(string folder, string name)
    {
        if (!Directory.Exists(folder))
            return 1;
        var pattern = new Regex("^" + Regex.Escape(name) + @"_(\d+)_", RegexOptions.CultureInvariant);
        var highest = Directory.EnumerateFiles(folder)
            .Select(f => pattern.Match(Path.GetFileName(f)))
            .Where(m => m.Success && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0)
            .Max();
        return highest + 1;
    }

    private static string ExpandVariables(string prefix, int width, int height, DateTime now) => VariablePattern().Replace(prefix, m => m.Groups[1].Value switch
    {
        "width" => width.ToString(CultureInfo.InvariantCulture),
        "height" => height.ToString(CultureInfo.InvariantCulture),
        "year" => now.Year.ToString(CultureInfo.InvariantCulture),
        "month" => now.Month.ToString("D2", CultureInfo.InvariantCulture),
        "day" => now.Day.ToString("D2", CultureInfo.InvariantCulture),
        "hour" => now.Hour.ToString("D2", CultureInfo.InvariantCulture),
        "minute" => now.Minute.ToString("D2", CultureInfo.InvariantCulture),
        "second" => now.Second.ToString("D2", CultureInfo.InvariantCulture),
        _ => m.Value,
    });

    [GeneratedRegex("%(width|height|year|month|day|hour|minute|second)%")]
    private static partial Regex VariablePattern();
}
