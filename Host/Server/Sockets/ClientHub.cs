using System.Collections.Concurrent;
using Workflow.Host.Server.Messages;

namespace Workflow.Host.Server.Sockets;

/// <summary>The connected WebSocket clients by client id; a reconnect with the same id replaces the old socket (as ComfyUI).</summary>
public sealed class ClientHub
{
    private readonly ConcurrentDictionary<string, ClientConnection> _clients = new();

    public void Add(ClientConnection connection)
    {
        if (_clients.TryGetValue(connection.ClientId, out var old))
            old.Complete();
        _clients[connection.ClientId] = connection;
    }

    public void Remove(ClientConnection connection) => _clients.TryRemove(new KeyValuePair<string, ClientConnection>(connection.ClientId, connection));

    public int Count => _clients.Count;

    public void Send(string clientId, ServerMessage message)
    {
        if (_clients.TryGetValue(clientId, out var client))
            client.SendText(message.ToUtf8());
    }

    public void SendBinary(string clientId, byte[] frame)
    {
        if (_clients.TryGetValue(clientId, out var client))
            client.SendBinary(frame);
    }

    public void Broadcast(ServerMessage message)
    {
        var bytes = message.ToUtf8();
        foreach (var client in _clients.Values)
            client.SendText(bytes);
    }

    public void BroadcastBinary(byte[] frame)
    {
        foreach (var client in _clients.Values)
            client.SendBinary(frame);
    }
}
