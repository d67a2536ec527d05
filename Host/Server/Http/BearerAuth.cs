using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Workflow.Host.Server.Api;

namespace Workflow.Host.Server.Http;

/// <summary>
/// With a token configured, every request (the WebSocket upgrade too) must carry <c>Authorization: Bearer &lt;token&gt;</c>;
/// clients that cannot set headers on a WebSocket (browsers) may pass <c>?token=</c> instead.
/// </summary>
public sealed class BearerAuth(RequestDelegate next, ServerOptions options)
{
    private readonly byte[]? _token = options.AuthToken is { Length: > 0 } token ? Encoding.UTF8.GetBytes(token) : null;

    public Task InvokeAsync(HttpContext context)
    {
        if (_token is null || Matches(Presented(context.Request)))
            return next(context);
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiResults.Error(StatusCodes.Status401Unauthorized, "unauthorized", "A bearer token is required").ExecuteAsync(context);
    }

    private static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return header["Bearer ".Length..].Trim();
        return request.Query["token"].ToString() is { Length: > 0 } query ? query : null;
    }

    private bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token);
}
