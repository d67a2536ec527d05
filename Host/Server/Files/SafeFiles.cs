using Microsoft.AspNetCore.Http;
using Workflow.NodeSdk;

namespace Workflow.Host.Server.Files;

/// <summary>A file (or folder) the request may touch, or why not, with the status ComfyUI answers.</summary>
public sealed record FileTarget(string? Path, int StatusCode, string Problem)
{
    public bool Allowed => Path is not null;

    public static FileTarget At(string path) => new(path, StatusCodes.Status200OK, "");

    public static FileTarget Refused(int statusCode, string problem) => new(null, statusCode, problem);
}

/// <summary>
/// Names from requests (/view, /upload/image) as paths inside input/, output/ or temp/, never outside: absolute
/// names, <c>..</c> and control characters (a NUL cuts a path short in the system's calls) are refused (400, as ComfyUI
/// for the first two), and so is a path through a symbolic link (403), which could point anywhere.
/// </summary>
public static class SafeFiles
{
    /// <summary>The folder of a ComfyUI file type ("output", "input", "temp").</summary>
    public static string? Root(NodePaths paths, string? type) => (type ?? "output") switch
    {
        "output" or "" => paths.Output,
        "input" => paths.Input,
        "temp" => paths.Temp,
        _ => null,
    };

    public static FileTarget Folder(string root, string? subfolder)
    {
        subfolder ??= "";
        if (subfolder.Any(char.IsControl))
            return FileTarget.Refused(StatusCodes.Status400BadRequest, "subfolder must not hold control characters (NUL, line breaks)");
        if (IsAbsolute(subfolder) || HasParentSegment(subfolder))
            return FileTarget.Refused(StatusCodes.Status400BadRequest, "subfolder must be relative, without '..'");
        if (subfolder.Length == 0)
            return FileTarget.At(System.IO.Path.GetFullPath(root));
        string path;
        try
        {
            path = NodePaths.ResolveInside(root, subfolder);
        }
        catch (ArgumentException)
        {
            return FileTarget.Refused(StatusCodes.Status403Forbidden, "subfolder is outside the folder");
        }
        catch (NotSupportedException)
        {
            return FileTarget.Refused(StatusCodes.Status400BadRequest, "subfolder is not a valid path");
        }
        return ThroughLinks(root, path) ? FileTarget.Refused(StatusCodes.Status403Forbidden, "the path goes through a symbolic link") : FileTarget.At(path);
    }

    /// <summary>A file by name in a folder; only the name's last segment counts (as ComfyUI's os.path.basename).</summary>
    public static FileTarget File(string root, string? subfolder, string? filename)
    {
        if (string.IsNullOrEmpty(filename) || IsAbsolute(filename) || HasParentSegment(filename))
            return FileTarget.Refused(StatusCodes.Status400BadRequest, "filename must be a plain name");
        if (filename.Any(char.IsControl))
            return FileTarget.Refused(StatusCodes.Status400BadRequest, "filename must not hold control characters (NUL, line breaks)");
        var name = System.IO.Path.GetFileName(filename.Replace('\\', '/'));
        if (name.Length == 0 || name is "." or "..")
            return FileTarget.Refused(StatusCodes.Status400BadRequest, "filename must be a plain name");
        var folder = Folder(root, subfolder);
        if (!folder.Allowed)
            return folder;
        var path = System.IO.Path.Combine(folder.Path!, name);
        return IsLink(path) ? FileTarget.Refused(StatusCodes.Status403Forbidden, "the file is a symbolic link") : FileTarget.At(path);
    }

    private static bool IsAbsolute(string name) => name.StartsWith('/') || name.StartsWith('\\') || System.IO.Path.IsPathRooted(name);

    private static bool HasParentSegment(string name) => name.Split('/', '\\').Any(segment => segment == "..");

    /// <summary>Whether any folder between the root (itself trusted) and the path is a symbolic link.</summary>
    private static bool ThroughLinks(string root, string path)
    {
        var current = System.IO.Path.GetFullPath(root);
        foreach (var segment in System.IO.Path.GetRelativePath(current, path).Split(System.IO.Path.DirectorySeparatorChar))
        {
            if (segment == ".")
                continue;
            current = System.IO.Path.Combine(current, segment);
            if (IsLink(current))
                return true;
        }
        return false;
    }

    private static bool IsLink(string path)
    {
        var info = new FileInfo(path);
        return info.Exists || Directory.Exists(path) ? info.LinkTarget is not null : false;
    }
}
