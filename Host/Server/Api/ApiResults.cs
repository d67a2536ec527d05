using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Workflow.Host.Server.Api;

/// <summary>Responses in ComfyUI's shapes: JSON written as given, and errors as <c>{"error": {type, message, details, extra_info}}</c>.</summary>
public static class ApiResults
{
    public static IResult Json(JsonNode? body, int statusCode = StatusCodes.Status200OK) =>
        Results.Text(body?.ToJsonString() ?? "null", "application/json", System.Text.Encoding.UTF8, statusCode);

    public static IResult Error(int statusCode, string type, string message, string details = "") =>
        Json(ErrorBody(type, message, details), statusCode);

    public static JsonObject ErrorBody(string type, string message, string details = "") => new()
    {
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message, ["details"] = details, ["extra_info"] = new JsonObject() },
    };

    /// <summary>ComfyUI's answer to a prompt it will not queue: the error and (here empty) node_errors.</summary>
    public static JsonObject PromptRejection(string type, string message, string details = "")
    {
        var body = ErrorBody(type, message, details);
        body["node_errors"] = new JsonObject();
        return body;
    }

    /// <summary>ComfyUI answers queue and history edits with an empty 200.</summary>
    public static IResult Empty() => Results.Ok();
}
