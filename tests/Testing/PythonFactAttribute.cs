using System.Diagnostics;

namespace Workflow.Testing;

/// <summary>
/// Debian's Python with the reference packages setup installs (python3-torch, python3-pil): the reference side of tests
/// that compare with PyTorch or Pillow run on the spot. WORKFLOW_REFERENCE_PYTHON names another (the GPU check sets
/// its CUDA PyTorch's python).
/// </summary>
public static class ReferencePython
{
    public static string Executable { get; } =
        Environment.GetEnvironmentVariable("WORKFLOW_REFERENCE_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

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

    /// <summary>Runs python with <paramref name="arguments"/> (a script's path, or "-c" and code, then its arguments); returns its output, fails with its stderr.</summary>
    public static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{Executable} {string.Join(' ', arguments.Select(a => a.Length > 200 ? a[..200] + "…" : a))} exited with {process.ExitCode}:\n{error}");
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

/// <summary>A fact that needs Debian's PyTorch (python3-torch), as <see cref="PythonFactAttribute"/>.</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public PyTorchFactAttribute() => Skip = Golden.IsCi ? null : ReferencePython.MissingModule("torch", "python3-torch");
}

/// <summary>A theory that needs Debian's PyTorch (python3-torch), as <see cref="PythonFactAttribute"/>.</summary>
public sealed class PyTorchTheoryAttribute : TheoryAttribute
{
    public PyTorchTheoryAttribute() => Skip = Golden.IsCi ? null : ReferencePython.MissingModule("torch", "python3-torch");
}

/// <summary>A theory that needs Debian's PyTorch and a golden fixture: skipped with the reason where either is absent, failing under CI.</summary>
public sealed class GoldenPyTorchTheoryAttribute : TheoryAttribute
{
    public GoldenPyTorchTheoryAttribute(string fixture) => Skip = Golden.SkipReason(fixture) ?? (Golden.IsCi ? null : ReferencePython.MissingModule("torch", "python3-torch"));
}

/// <summary>A fact that needs Debian's PyTorch and a golden fixture: skipped with the reason where either is absent, failing under CI.</summary>
public sealed class GoldenPyTorchFactAttribute : FactAttribute
{
    public GoldenPyTorchFactAttribute(string fixture) => Skip = Golden.SkipReason(fixture) ?? (Golden.IsCi ? null : ReferencePython.MissingModule("torch", "python3-torch"));
}
