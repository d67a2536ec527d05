using System.Text.Json.Nodes;
using Workflow.Host.Execution;
using Workflow.Host.Server.Sockets;

namespace Workflow.Host.Server.Messages;

/// <summary>
/// Hears one prompt's execution events: sends each as ComfyUI's message to the prompt's client (some to everyone
/// when it has none, as ComfyUI does), previews as binary frames, and keeps the messages history records.
/// </summary>
public sealed class PromptReporter(string? clientId, ClientHub hub, TimeProvider clock)
{
    private readonly List<ServerMessage> _recorded = [];
    private readonly object _gate = new();

    /// <summary>The node now running, told to the client if it reconnects.</summary>
    public string? CurrentNode { get; private set; }

    public string? ClientId => clientId;

    public IReadOnlyList<ServerMessage> Recorded
    {
        get { lock (_gate) return _recorded.ToList(); }
    }

    public void OnEvent(ExecutionEvent e)
    {
        if (e is NodeExecuting executing)
            CurrentNode = executing.NodeId;
        if (e is NodeProgress { Preview: { } preview })
            Deliver(PreviewFrame.Encode(preview));
        if (ComfyMessages.From(e, clock.GetUtcNow().ToUnixTimeMilliseconds()) is { } message)
            Report(message);
    }

    /// <summary>Sends and, for the types ComfyUI keeps, records a message.</summary>
    public void Report(ServerMessage message)
    {
        if (ComfyMessages.Recorded.Contains(message.Type))
            lock (_gate) _recorded.Add(message);
        if (clientId is not null)
            hub.Send(clientId, message);
        else if (ComfyMessages.BroadcastWithoutClient.Contains(message.Type))
            hub.Broadcast(message);
    }

    public JsonArray RecordedJson() => new(Recorded.Select(m => (JsonNode)m.ToHistoryJson()).ToArray());

    private void Deliver(byte[] frame)
    {
        if (clientId is not null)
            hub.SendBinary(clientId, frame);
        else
            hub.BroadcastBinary(frame);
    }
}
