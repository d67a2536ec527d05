using System.Diagnostics;
using System.Net;
using Workflow.Testing;

namespace Workflow.Server.Tests.Support;

/// <summary>
/// <c>workflow serve</c> as a separate process on a free port, as an operator runs it: it can be killed outright
/// (SIGKILL) and started again on the same folders. Its log goes to a file in the base folder.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address, string logPath)
    {
        _process = process;
        Address = address;
        LogPath = logPath;
        Http = new ComfyHttp(address);
    }

    public Uri Address { get; }

    public ComfyHttp Http { get; }

    public string LogPath { get; }

    /// <summary>The process's peak resident memory so far (its high-water mark, from /proc).</summary>
    public long PeakRssBytes => ProcessMemory.Peak(_process.Id);

    public static async Task<ServerProcess> StartAsync(string baseDirectory, string? store = null, params string[] options)
    {
        var server = Launch(baseDirectory, store, options);
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>Starts the process without waiting for it to answer: it may die before it does (see <see cref="WaitForExitAsync"/>).</summary>
    public static ServerProcess Launch(string baseDirectory, string? store = null, params string[] options)
    {
        var port = FreePorts.Next();
        var logPath = Path.Combine(baseDirectory, $"server-{port}.log");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = baseDirectory };
        foreach (var arg in new[] { Path.Combine(BuildPaths.HostDirectory, "Workflow.Host.dll"), "serve", "--port", $"{port}",
                     "--base-dir", baseDirectory, "--plugins", BuildPaths.ServerTestPlugins })
            start.ArgumentList.Add(arg);
        if (store is not null)
        {
            start.ArgumentList.Add("--store");
            start.ArgumentList.Add(store);
        }
        foreach (var option in options)
            start.ArgumentList.Add(option);
        foreach (var variable in new[] { "WORKFLOW_BASE_DIR", "WORKFLOW_PLUGIN_PATH", "WORKFLOW_AUTH_TOKEN", "WORKFLOW_MAX_STRING_MB" })
            start.Environment.Remove(variable);
        var process = Process.Start(start)!;
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Exited += (_, _) => { lock (log) log.Dispose(); };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"), logPath);
    }

    /// <summary>The exit code once the process has ended by itself, within <paramref name="patience"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan patience)
    {
        await _process.WaitForExitAsync().WaitAsync(patience);
        return _process.ExitCode;
    }

    /// <summary>The process's resident set size now, from /proc (what the system sees it hold).</summary>
    public long ResidentBytes() => ProcessMemory.Resident(_process.Id);

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public string Log()
    {
        using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        return reader.ReadToEnd();
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + ComfyHttp.Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the server exited with {_process.ExitCode}:\n{Log()}");
            try
            {
                if ((await Http.GetAsync("/prompt")).Status == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the server did not answer:\n{Log()}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
