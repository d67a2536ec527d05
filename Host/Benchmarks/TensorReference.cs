using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using Workflow.Torch;

namespace Workflow.Host.Benchmarks;

/// <summary>
/// PyTorch timing the same cases: a tensor_reference.py process (beside the host) under a Python with torch.
/// It prepares every case once; <see cref="Round"/> asks it for one timed round at a time.
/// </summary>
public sealed class TensorReference : IDisposable
{
    private readonly Process _process;

    private TensorReference(Process process, string torchVersion) => (_process, TorchVersion) = (process, torchVersion);

    /// <summary>Thrown when the reference cannot run (no such Python, no torch, a failing script).</summary>
    public sealed class UnavailableException(string message) : Exception(message);

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "Benchmarks", "tensor_reference.py");

    public string TorchVersion { get; }

    public static TensorReference Start(string python, IReadOnlyList<TensorBenchCase> cases, int threads, Device device)
    {
        var process = Launch(python);
        var ready = Exchange(process, Spec(cases, threads, device).ToJsonString()) is { } line
            ? JsonNode.Parse(line)!.AsObject()
            : throw Failed(process, python);
        if (ready["threads"]!.GetValue<int>() != threads)
            throw new UnavailableException($"the reference runs {ready["threads"]} threads, not {threads}");
        return new TensorReference(process, ready["torch_version"]!.GetValue<string>());
    }

    /// <summary>Runs case <paramref name="index"/> once in PyTorch: seconds per call.</summary>
    public double Round(int index)
    {
        var answer = Exchange(_process, index.ToString(CultureInfo.InvariantCulture)) ?? throw Failed(_process, "the reference");
        return double.Parse(answer, CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // already gone
        }
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            _process.Kill();
        _process.Dispose();
    }

    /// <summary>Sends one line and reads the answer line; null when the process has gone.</summary>
    private static string? Exchange(Process process, string line)
    {
        try
        {
            process.StandardInput.WriteLine(line);
            process.StandardInput.Flush();
            return process.StandardOutput.ReadLine();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static Process Launch(string python)
    {
        var start = new ProcessStartInfo(python)
        {
            ArgumentList = { ScriptPath },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            return Process.Start(start) ?? throw new UnavailableException($"could not start {python}");
        }
        catch (Win32Exception e)
        {
            throw new UnavailableException($"could not start {python} ({e.Message}); it needs PyTorch (apt-get install python3-torch)");
        }
    }

    private static UnavailableException Failed(Process process, string what)
    {
        process.WaitForExit(TimeSpan.FromSeconds(10));
        return new UnavailableException($"{what} stopped ({ScriptPath}): {process.StandardError.ReadToEnd().Trim()}");
    }

    private static JsonObject Spec(IReadOnlyList<TensorBenchCase> cases, int threads, Device device) => new()
    {
        ["threads"] = threads,
        ["device"] = device.ToString(),
        ["cases"] = new JsonArray(cases.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["op"] = JsonNamingPolicy.SnakeCaseLower.ConvertName(c.Op.ToString()),
            ["shapes"] = new JsonArray(c.Shapes.Select(s => (JsonNode)new JsonArray(s.Select(d => (JsonNode)d).ToArray())).ToArray()),
            ["iterations"] = c.Iterations,
        }).ToArray()),
    };
}
