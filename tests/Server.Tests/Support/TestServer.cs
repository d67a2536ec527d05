using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Workflow.Host.Caching;
using Workflow.Host.Engine;
using Workflow.Host.Plugins;
using Workflow.Host.Server;
using Workflow.NodeSdk;

namespace Workflow.Server.Tests.Support;

/// <summary>
/// A real server in this process on a free loopback port, with its own base folder and SQLite store, so each test
/// owns its state. Disposing stops it and deletes the folder.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, string baseDirectory, NodePaths paths, string? token)
    {
        _app = app;
        BaseDirectory = baseDirectory;
        Paths = paths;
        Address = ServerApp.Address(app);
        Http = new ComfyHttp(Address, token);
        Token = token;
    }

    public string BaseDirectory { get; }

    public NodePaths Paths { get; }

    public Uri Address { get; }

    public ComfyHttp Http { get; }

    public string? Token { get; }

    public static async Task<TestServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var baseDirectory = Directory.CreateTempSubdirectory("workflow-server-test-").FullName;
        var paths = EngineOptions.PathsUnder(baseDirectory);
        var options = new ServerOptions { Port = 0 };
        options = configure?.Invoke(options) ?? options;
        var engine = new EngineOptions(paths, new PluginOptions(BuildPaths.PluginDirectories), CacheBudget.Unbounded);
        var app = await ServerApp.BuildAsync(new ServerSetup(options, engine, LogLevel.Warning), CancellationToken.None);
        await app.StartAsync();
        return new TestServer(app, baseDirectory, paths, options.AuthToken);
    }

    public Task<TestSocket> ConnectAsync(string clientId) => TestSocket.ConnectAsync(Address, clientId, Token);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(BaseDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file still open; the OS cleans temp eventually
        }
    }
}
