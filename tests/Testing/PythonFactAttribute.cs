using System.Diagnostics;

namespace Workflow.Testing;

/// <summary>
/// Debian's Python with the reference packages setup installs (python3-torch, python3-pil): the reference side of tests
/// that compare with PyTorch or Pillow run on the spot.
/// </summary>
public static class ReferencePython
{
    public const string Executable = "/usr/bin/python3";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> Missing = new();

    /// <summary>Why <paramref name="module"/> cannot be imported (the package to install), or null when it can.</summary>
    public static string? MissingModule(string module, string package) => Missing.GetOrAdd(module, _ =>
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Executable, ["-c", $"import {module}"]) { RedirectStandardError = true })!;
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{Executable} cannot import {module} (apt-get install {package})";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"{Executable} is absent (apt-get install {package})";
        }
    });

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/>; fails with its stderr when it fails.</summary>
    public static string Run(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable, ["-c", script, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"the reference script failed ({process.ExitCode}): {error}");
        return output.Result;
    }
}

/// <summary>A fact that needs a reference Python module: skipped with the reason where it is absent, except under CI, where that fails.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute(string module, string package) => Skip = Golden.IsCi ? null : ReferencePython.MissingModule(module, package);
}

/// <summary>A theory that needs a reference Python module (see <see cref="PythonFactAttribute"/>).</summary>
public sealed class PythonTheoryAttribute : TheoryAttribute
{
    public PythonTheoryAttribute(string module, string package) => Skip = Golden.IsCi ? null : ReferencePython.MissingModule(module, package);
}
