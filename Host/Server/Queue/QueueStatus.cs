using Workflow.Host.Server.Messages;
using Workflow.Host.Server.Sockets;
using Workflow.Host.Server.Storage;

namespace Workflow.Host.Server.Queue;

/// <summary>Broadcasts ComfyUI's <c>status</c> frame with the queue's length: on every put, start, finish and delete, and periodically.</summary>
public sealed class QueueStatus(IPromptStore store, ClientHub hub)
{
    public async Task BroadcastAsync(CancellationToken cancellation)
    {
        if (hub.Count == 0)
            return;
        hub.Broadcast(ComfyMessages.Status(await store.RemainingAsync(cancellation)));
    }

    public async Task<ServerMessage> CurrentAsync(string? sid, CancellationToken cancellation) =>
        ComfyMessages.Status(await store.RemainingAsync(cancellation), sid);
}
