using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Workflow.Server.Tests.Support;

/// <summary>A frame the server sent: JSON text or binary bytes.</summary>
public sealed record Frame(JsonObject? Json, byte[]? Binary)
{
    public string? Type => (string?)Json?["type"];

    public JsonNode? Data => Json?["data"];

    public string? PromptId => (string?)Data?["prompt_id"];

    public override string ToString() => Json?.ToJsonString() ?? $"<binary {Binary!.Length} bytes>";
}

/// <summary>A WebSocket client that records every frame, read in order with a deadline.</summary>
public sealed class TestSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<Frame> _frames = Channel.CreateUnbounded<Frame>();
    private readonly Task _receiving;

    private TestSocket(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = ReceiveAsync();
    }

    /// <summary>Connects to <c>/ws?clientId=</c>, with the token as a header, or (<paramref name="tokenInQuery"/>) as browsers must, in the query.</summary>
    public static async Task<TestSocket> ConnectAsync(Uri httpAddress, string clientId, string? token = null, bool tokenInQuery = false)
    {
        var socket = new ClientWebSocket();
        if (token is not null && !tokenInQuery)
            socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        var query = tokenInQuery ? $"clientId={clientId}&token={token}" : $"clientId={clientId}";
        var address = new UriBuilder(httpAddress) { Scheme = "ws", Path = "/ws", Query = query }.Uri;
        await socket.ConnectAsync(address, CancellationToken.None);
        return new TestSocket(socket);
    }

    public Task SendAsync(string text) =>
        _socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>Reads frames until one matches; returns all read, the match last.</summary>
    public async Task<List<Frame>> ReadUntilAsync(Func<Frame, bool> match, TimeSpan? patience = null)
    {
        using var timeout = new CancellationTokenSource(patience ?? ComfyHttp.Patience);
        var read = new List<Frame>();
        try
        {
            while (true)
            {
                var frame = await _frames.Reader.ReadAsync(timeout.Token);
                read.Add(frame);
                if (match(frame))
                    return read;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no matching frame; got:\n" + string.Join("\n", read));
        }
    }

    /// <summary>Reads until the prompt is completely done: <c>executing</c> with a null node for it.</summary>
    public Task<List<Frame>> ReadPromptAsync(string promptId) =>
        ReadUntilAsync(f => f.Type == "executing" && f.PromptId == promptId && f.Data!["node"] is null);

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
                var bytes = buffer.AsSpan(0, length).ToArray();
                _frames.Writer.TryWrite(result.MessageType == WebSocketMessageType.Text
                    ? new Frame((JsonObject)JsonNode.Parse(bytes)!, null)
                    : new Frame(null, bytes));
            }
        }
        catch (WebSocketException)
        {
            // the server went away; readers time out with what arrived
        }
        _frames.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        await _receiving.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
    }
}
