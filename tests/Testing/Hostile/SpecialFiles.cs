using System.Diagnostics;

namespace Workflow.Testing.Hostile;

/// <summary>
/// Names that are not regular files, planted where a user's file is expected: opening a FIFO blocks until a writer
/// comes, /dev/zero never ends, a folder is not a file. Each call creates one at <c>path</c> and returns the path.
/// </summary>
public static class SpecialFiles
{
    public static string Fifo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        return mkfifo.ExitCode == 0 ? path : throw new IOException($"mkfifo {path} failed with {mkfifo.ExitCode}");
    }

    public static string LinkToDevZero(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, "/dev/zero");
        return path;
    }

    public static string Folder(string path) => Directory.CreateDirectory(path).FullName;

    /// <summary>Every kind, named <paramref name="stem"/>-kind<paramref name="extension"/> in <paramref name="folder"/>, by kind.</summary>
    public static IReadOnlyDictionary<string, string> AllIn(string folder, string stem, string extension) => new Dictionary<string, string>
    {
        ["fifo"] = Fifo(Path.Combine(folder, $"{stem}-fifo{extension}")),
        ["dev-zero"] = LinkToDevZero(Path.Combine(folder, $"{stem}-dev-zero{extension}")),
        ["folder"] = Folder(Path.Combine(folder, $"{stem}-folder{extension}")),
    };
}
