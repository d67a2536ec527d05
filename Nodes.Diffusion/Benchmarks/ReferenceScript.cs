using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>Runs a Python script shipped beside this plugin (Benchmarks/*.py) and reads the JSON object on its last line of output.</summary>
internal static class ReferenceScript
{
    /// <summary>The script's last output line as JSON (an empty object when it prints nothing); a failure throws with its error output.</summary>
    public static JsonObject Run(string python, string scriptName, params string[] arguments)
    {
        var script = Path.Combine(Path.GetDirectoryName(typeof(ReferenceScript).Assembly.Location)!, "Benchmarks", scriptName);
        var start = new ProcessStartInfo(python, [script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{python} {scriptName} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        return stdout.Length == 0 ? [] : JsonNode.Parse(stdout.Split('\n')[^1])!.AsObject();
    }
}
