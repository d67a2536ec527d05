using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Workflow.Host.Graph;

namespace Workflow.Host.Server.Api;

/// <summary>
/// Reads a request body as JSON whatever its Content-Type, as aiohttp's request.json() does: one npm client posts
/// JSON as text/plain. An empty body is null; malformed JSON (read strictly, <see cref="StrictJson"/>) is a <see cref="BadBodyException"/> (answered 400).
/// </summary>
public static class JsonBody
{
    public static async Task<JsonNode?> ReadAsync(HttpRequest request, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellation);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.Trim(" \n\r\t"u8).IsEmpty)
            return null;
        var parsed = StrictJson.Parse(bytes);
        return parsed.Error is null ? parsed.Node : throw new BadBodyException($"The body is not valid JSON: {parsed.Error}");
    }

    /// <summary>The body as an object; null when empty, an error when it is JSON of another kind.</summary>
    public static async Task<JsonObject?> ReadObjectAsync(HttpRequest request, CancellationToken cancellation) =>
        await ReadAsync(request, cancellation) switch
        {
            null => null,
            JsonObject o => o,
            _ => throw new BadBodyException("The body must be a JSON object."),
        };
}

/// <summary>A request body the server cannot read; answered 400 with a JSON error.</summary>
public sealed class BadBodyException(string message) : Exception(message);
