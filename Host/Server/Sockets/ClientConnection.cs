using System.Net.WebSockets;
using System.Threading.Channels;

namespace Workflow.Host.Server.Sockets;

/// <summary>
/// One WebSocket client. Frames are queued and written by one loop, so sends from the worker never wait on the
/// network and never interleave (a WebSocket allows one send at a time).
/// </summary>
public sealed class ClientConnection(string clientId, WebSocket socket)
{
    private readonly Channel<(byte[] Bytes, WebSocketMessageType Type)> _outgoing =
        Channel.CreateUnbounded<(byte[], WebSocketMessageType)>(new UnboundedChannelOptions { SingleReader = true });

    public string ClientId { get; } = clientId;

    public WebSocket Socket { get; } = socket;

    public void SendText(byte[] utf8Json) => _outgoing.Writer.TryWrite((utf8Json, WebSocketMessageType.Text));

    public void SendBinary(byte[] frame) => _outgoing.Writer.TryWrite((frame, WebSocketMessageType.Binary));

    /// <summary>Stops accepting frames; the write loop ends after the queued ones.</summary>
    public void Complete() => _outgoing.Writer.TryComplete();

    public async Task WriteLoopAsync(CancellationToken cancellation)
    {
        await foreach (var (bytes, type) in _outgoing.Reader.ReadAllAsync(cancellation))
        {
            if (Socket.State != WebSocketState.Open)
                return;
            await Socket.SendAsync(bytes, type, endOfMessage: true, cancellation);
        }
    }
}
