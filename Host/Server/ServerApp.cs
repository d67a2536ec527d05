using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workflow.Host.Engine;
using Workflow.Host.Logging;
using Workflow.Host.Server.Api;
using Workflow.Host.Server.Http;
using Workflow.Host.Server.Queue;
using Workflow.Host.Server.Sockets;
using Workflow.Host.Server.Storage;

namespace Workflow.Host.Server;

/// <summary>
/// The headless server: ComfyUI's HTTP and WebSocket API over the engine, a durable queue and a worker. Every route
/// answers both bare and under <c>/api</c>, as ComfyUI registers them twice.
/// </summary>
public static partial class ServerApp
{
    public static async Task<WebApplication> BuildAsync(ServerSetup setup, CancellationToken cancellation)
    {
        var options = setup.Server;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders()
            .SetMinimumLevel(setup.MinimumLogLevel)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddTerseConsole(setup.Engine.StackTraces);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxUploadBytes + (1L << 20);   // the upload plus its multipart framing
            kestrel.Listen(ListenAddress(options.Listen), options.Port);
        });
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = options.MaxUploadBytes);

        var store = await PromptStores.OpenAsync(options.Store ?? PromptStores.DefaultSqlitePath(BaseDirectory(setup.Engine)), cancellation);
        builder.Services.AddSingleton(_ => store);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(services => WorkflowEngine.Create(setup.Engine, services.GetRequiredService<ILoggerFactory>(), [.. setup.NodeAssemblies]));
        builder.Services.AddSingleton(WorkerIdentity.ForThisProcess());
        builder.Services.AddSingleton<ClientHub>().AddSingleton<QueueStatus>().AddSingleton<QueueSignals>()
            .AddSingleton<RunningPrompt>().AddSingleton<PromptIntake>();
        builder.Services.AddHostedService<QueueWorker>().AddHostedService<StatusTicker>();

        var app = builder.Build();
        app.Services.GetRequiredService<WorkflowEngine>();   // plugins load before the first request, not during it
        app.UseMiddleware<JsonErrors>();
        app.UseStatusCodePages(context => JsonErrors.WriteStatusBody(context.HttpContext));
        app.UsePathBase("/api");
        app.UseMiddleware<BearerAuth>();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.UseRouting();
        app.MapPromptApi();
        app.MapQueueApi();
        app.MapInfoApi();
        app.MapFileApi();
        app.MapSocketEndpoint();
        app.MapFallback(context => { context.Response.StatusCode = StatusCodes.Status404NotFound; return JsonErrors.WriteStatusBody(context); });
        WarnIfExposed(app, options);
        return app;
    }

    /// <summary>Where a started server listens, e.g. <c>http://127.0.0.1:8188</c> (with port 0, the port it got).</summary>
    public static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

    /// <summary>ComfyUI's folders sit under one base folder; the queue's data folder joins them there.</summary>
    private static string BaseDirectory(EngineOptions engine) => Path.GetDirectoryName(Path.GetFullPath(engine.Paths.Output))!;

    private static IPAddress ListenAddress(string listen) =>
        listen == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(listen, out var address) ? address
        : Dns.GetHostAddresses(listen).FirstOrDefault() ?? throw new ArgumentException($"'{listen}' does not resolve to an address");

    private static void WarnIfExposed(WebApplication app, ServerOptions options)
    {
        if (string.IsNullOrEmpty(options.AuthToken) && !IPAddress.IsLoopback(ListenAddress(options.Listen)))
            LogExposed(app.Logger, options.Listen);
    }

    [LoggerMessage(EventId = 540, Level = LogLevel.Warning,
        Message = "Listening on {Listen} without an auth token: anyone who can reach this port can queue prompts and read outputs (set --auth-token or WORKFLOW_AUTH_TOKEN)")]
    private static partial void LogExposed(ILogger logger, string listen);
}
