using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Workflow.Host.Server.Api;
using Workflow.Host.Server.Messages;
using Workflow.Host.Server.Queue;

namespace Workflow.Host.Server.Sockets;

/// <summary>
/// <c>/ws?clientId=</c>: on connect, <c>status</c> with the client's id as <c>sid</c> (and, when its prompt is running
/// here, the node it is at); afterwards the client may send only <c>feature_flags</c>, which is answered.
/// </summary>
public static class SocketEndpoint
{
    private const int MaxIncomingBytes = 64 * 1024;

    public static void MapSocketEndpoint(this IEndpointRouteBuilder routes) => routes.Map("/ws", Connect);

    private static async Task Connect(HttpContext context, ClientHub hub, QueueStatus status, RunningPrompt running, ServerOptions options, IHostApplicationLifetime lifetime)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, "websocket_expected", "/ws takes WebSocket connections").ExecuteAsync(context);
            return;
        }
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var clientId = context.Request.Query["clientId"].ToString() is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N");
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new ClientConnection(clientId, socket);
        connection.SendText((await status.CurrentAsync(clientId, closing.Token)).ToUtf8());
        if (running.NodeFor(clientId) is { } node)
            connection.SendText(ComfyMessages.ExecutingNode(node).ToUtf8());
        hub.Add(connection);
        var writing = connection.WriteLoopAsync(closing.Token);
        try
        {
            await ReadAsync(connection, options, closing.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // closed or dropped by the client, or the server is stopping
        }
        finally
        {
            hub.Remove(connection);
            connection.Complete();
            await writing.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task ReadAsync(ClientConnection connection, ServerOptions options, CancellationToken cancellation)
    {
        var buffer = new byte[MaxIncomingBytes];
        while (connection.Socket.State == WebSocketState.Open)
        {
            int length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    await connection.Socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "message too big", cancellation);
                    return;
                }
                result = await connection.Socket.ReceiveAsync(buffer.AsMemory(length), cancellation);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellation);
                return;
            }
            if (result.MessageType == WebSocketMessageType.Text && IsFeatureFlags(buffer.AsSpan(0, length)))
                connection.SendText(ComfyMessages.FeatureFlags(options.MaxUploadBytes).ToUtf8());
        }
    }

    private static bool IsFeatureFlags(ReadOnlySpan<byte> message)
    {
        try
        {
            using var document = JsonDocument.Parse(message.ToArray());
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("type", out var type) && type.ValueEquals("feature_flags");
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
