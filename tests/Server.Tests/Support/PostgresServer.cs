using System.Diagnostics;

namespace Workflow.Server.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL server (Debian's postgresql package): a fresh cluster in a temporary folder on a free
/// port, trusting local connections. PostgreSQL refuses to run as root, so as root it runs as the postgres user.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _binDirectory;
    private readonly string _directory;

    private PostgresServer(string binDirectory, string directory, int port)
    {
        _binDirectory = binDirectory;
        _directory = directory;
        Url = $"postgres://workflow@127.0.0.1:{port}/postgres";
    }

    /// <summary>A <c>postgres://</c> URL for <c>--store</c>.</summary>
    public string Url { get; }

    /// <summary>Where initdb and pg_ctl are, or null when PostgreSQL is not installed.</summary>
    public static string? FindBinDirectory() =>
        (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .Select(version => Path.Combine(version, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
            .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var v) ? v : 0)
            .FirstOrDefault();

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql)");
        var directory = Directory.CreateTempSubdirectory("workflow-postgres-").FullName;
        var server = new PostgresServer(bin, directory, FreePorts.Next());
        if (Environment.UserName == "root")
            await RunAsync("chown", "-R", "postgres:postgres", directory);
        var port = new Uri(server.Url).Port;
        await server.RunPostgresToolAsync("initdb", "-D", server.Data, "-U", "workflow", "--auth=trust", "-E", "UTF8", "--no-sync");
        await server.RunPostgresToolAsync("pg_ctl", "-D", server.Data, "-l", Path.Combine(directory, "postgres.log"), "-w", "-t", "120",
            "-o", $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start");
        return server;
    }

    private string Data => Path.Combine(_directory, "data");

    private Task RunPostgresToolAsync(string tool, params string[] args)
    {
        var path = Path.Combine(_binDirectory, tool);
        return Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args]) : RunAsync(path, args);
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}):\n{await output}\n{await error}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunPostgresToolAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
        }
        finally
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
