using System.Diagnostics;

namespace Workflow.Testing;

/// <summary>
/// Debian's PyTorch (/usr/bin/python3 with torch 1.13, from python3-torch, which setup installs), for tests that
/// compare against files or numbers PyTorch itself makes.
/// </summary>
public static class PyTorch
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(Probe);

    /// <summary>Why a test needing PyTorch must be skipped here, or null to run it (always null under CI, where its absence fails).</summary>
    public static string? SkipReason => Golden.IsCi ? null : Missing.Value;

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/>; a non-zero exit fails with its output.</summary>
    public static string Run(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Python, [script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output.Result
            : throw new InvalidOperationException($"{Python} {script} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{errors}");
    }

    private static string? Probe()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import torch"]) { RedirectStandardError = true })!;
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{Python} has no torch (apt-get install python3-torch)";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"{Python} is absent (apt-get install python3-torch)";
        }
    }
}

/// <summary>A fact that needs Debian's PyTorch: skipped with the reason where it is absent, except under CI (CI=true), where its absence is a failure.</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public PyTorchFactAttribute() => Skip = PyTorch.SkipReason;
}

/// <summary>A theory that needs Debian's PyTorch: skipped with the reason where it is absent, except under CI, where its absence is a failure.</summary>
public sealed class PyTorchTheoryAttribute : TheoryAttribute
{
    public PyTorchTheoryAttribute() => Skip = PyTorch.SkipReason;
}

/// <summary>A theory that needs Debian's PyTorch and a golden fixture: skipped with the reason where either is absent, failing under CI.</summary>
public sealed class GoldenPyTorchTheoryAttribute : TheoryAttribute
{
    public GoldenPyTorchTheoryAttribute(string fixture) => Skip = Golden.SkipReason(fixture) ?? PyTorch.SkipReason;
}

/// <summary>A fact that needs Debian's PyTorch and a golden fixture: skipped with the reason where either is absent, failing under CI.</summary>
public sealed class GoldenPyTorchFactAttribute : FactAttribute
{
    public GoldenPyTorchFactAttribute(string fixture) => Skip = Golden.SkipReason(fixture) ?? PyTorch.SkipReason;
}
