using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflow.Host.Server;

namespace Workflow.Host.Cli;

/// <summary>
/// <c>workflow serve [--listen ADDR] [--port N] [--store PATH|postgres://...] [--auth-token T] [--max-attempts N]
/// [--prompt-time-limit S]</c>: ComfyUI's HTTP and WebSocket API with a durable queue, until Ctrl+C or SIGTERM.
/// </summary>
public static class ServeCommand
{
    public static Command Create(GlobalOptions global)
    {
        var listen = new Option<string>("--listen") { Description = "Address to listen on (0.0.0.0 for every interface)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Port to listen on", DefaultValueFactory = _ => 8188 };
        var store = new Option<string?>("--store")
        {
            Description = "Queue and history: a SQLite file (default: data/server.db under the base folder) or postgres://user:pass@host:port/db, shared by several servers",
        };
        var token = new Option<string?>("--auth-token") { Description = $"Require this bearer token on every route (also ${ServerOptions.AuthTokenVariable})" };
        var maxUpload = new Option<long>("--max-upload-mb") { Description = "Largest upload, MiB", DefaultValueFactory = _ => 100 };
        var maxAttempts = new Option<int>("--max-attempts")
        {
            Description = "Starts a prompt may have without finishing (the server died each time) before it is failed",
            DefaultValueFactory = _ => new ServerOptions().MaxAttempts,
        };
        var timeLimit = new Option<double>("--prompt-time-limit")
        {
            Description = "Seconds a prompt may run before it is interrupted and recorded as failed (default 0: no limit)",
        };
        var command = new Command("serve", "Serve ComfyUI's HTTP and WebSocket API") { listen, port, store, token, maxUpload, maxAttempts, timeLimit };
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new ServerOptions
            {
                Listen = parse.GetValue(listen)!,
                Port = parse.GetValue(port),
                Store = parse.GetValue(store),
                AuthToken = parse.GetValue(token) ?? Environment.GetEnvironmentVariable(ServerOptions.AuthTokenVariable),
                MaxUploadBytes = Math.Max(1, parse.GetValue(maxUpload)) << 20,
                MaxAttempts = Math.Max(1, parse.GetValue(maxAttempts)),
                PromptTimeLimit = parse.GetValue(timeLimit) is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : null,
            };
            var setup = new ServerSetup(options, global.EngineOptions(parse), parse.GetValue(global.Verbose) ? LogLevel.Debug : LogLevel.Information);
            try
            {
                await using var app = await Server.ServerApp.BuildAsync(setup, cancellation);
                await app.StartAsync(cancellation);
                Console.Error.WriteLine($"serve: ComfyUI's API on {Server.ServerApp.Address(app)} (Ctrl+C stops)");
                await app.WaitForShutdownAsync(cancellation);
                return ExitCodes.Success;
            }
            catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine($"serve: cannot listen on {options.Listen}:{options.Port}: {ex.Message}");
                return ExitCodes.Environment;
            }
        });
        return command;
    }
}
