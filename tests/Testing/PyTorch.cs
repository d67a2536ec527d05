using System.Diagnostics;

namespace Workflow.Host.Tests.Support;

/// <summary>
/// A fact that needs Debian's PyTorch (/usr/bin/python3 with torch, from python3-torch, which setup installs): skipped with
/// the reason where it is absent, except under CI (CI=true), where its absence is a failure.
/// </summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(Probe);

    public PyTorchFactAttribute() => Skip = Workflow.Testing.Golden.IsCi ? null : Missing.Value;

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
