using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Workflow.Host.Server.Api;

namespace Workflow.Host.Server.Http;

/// <summary>
/// Every failure answered in JSON: an unreadable request is a 4xx naming the problem; anything else a 500 whose
/// body says only that it failed (the exception goes to the log, never to the client).
/// </summary>
public sealed partial class JsonErrors(RequestDelegate next, ILogger<JsonErrors> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away; nobody to answer
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var (status, type, message) = Classify(ex);
            if (status >= 500)
                LogFailed(context.Request.Method, context.Request.Path, ex);
            context.Response.Clear();
            await ApiResults.Error(status, type, message).ExecuteAsync(context);
        }
    }

    private static (int Status, string Type, string Message) Classify(Exception ex) => ex switch
    {
        BadBodyException bad => (StatusCodes.Status400BadRequest, "invalid_json", bad.Message),
        BadHttpRequestException bad => (bad.StatusCode, "bad_request", bad.Message),
        // The multipart reader's limits (body or part too large) and malformed multipart bodies.
        InvalidDataException bad when bad.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) =>
            (StatusCodes.Status413PayloadTooLarge, "payload_too_large", bad.Message),
        InvalidDataException or IOException when ex is not FileNotFoundException => (StatusCodes.Status400BadRequest, "bad_request", ex.Message),
        _ => (StatusCodes.Status500InternalServerError, "server_error", "The server failed to handle the request; its log has the details."),
    };

    /// <summary>Bodiless error statuses (405, binding failures) and unknown routes get a JSON body too.</summary>
    public static Task WriteStatusBody(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var reason = ReasonPhrases.GetReasonPhrase(status);
        return ApiResults.Error(status, status == StatusCodes.Status404NotFound ? "not_found" : "http_" + status, reason).ExecuteAsync(context);
    }

    [LoggerMessage(EventId = 520, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private partial void LogFailed(string method, string path, Exception ex);
}
