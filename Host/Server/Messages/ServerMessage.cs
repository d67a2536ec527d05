using System.Text.Json.Nodes;

namespace Workflow.Host.Server.Messages;

/// <summary>A WebSocket JSON frame, <c>{"type": ..., "data": {...}}</c>.</summary>
public sealed record ServerMessage(string Type, JsonObject Data)
{
    public byte[] ToUtf8() => System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["type"] = Type, ["data"] = Data.DeepClone() }.ToJsonString());

    /// <summary>As history's status.messages holds it: <c>[type, data]</c>.</summary>
    public JsonArray ToHistoryJson() => [Type, Data.DeepClone()];
}
