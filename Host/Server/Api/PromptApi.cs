using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Text.Json.Nodes;
using Workflow.Host.Server.Queue;
using Workflow.Host.Server.Storage;

namespace Workflow.Host.Server.Api;

/// <summary>POST /prompt (queue a prompt) and GET /prompt (queue length, which clients also use as a ping).</summary>
public static class PromptApi
{
    public static void MapPromptApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/prompt", PostPrompt);
        routes.MapGet("/prompt", GetPrompt);
    }

    /// <summary>A body that is not JSON is refused in ComfyUI's rejection shape too, since clients read node_errors from every 400.</summary>
    private static async Task<IResult> PostPrompt(HttpRequest request, PromptIntake intake, CancellationToken cancellation)
    {
        JsonObject body;
        try
        {
            body = await JsonBody.ReadObjectAsync(request, cancellation) ?? new JsonObject();
        }
        catch (BadBodyException bad)
        {
            return ApiResults.Json(ApiResults.PromptRejection("invalid_json", bad.Message), StatusCodes.Status400BadRequest);
        }
        var result = await intake.SubmitAsync(body, cancellation);
        return ApiResults.Json(result.Body, result.Accepted ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> GetPrompt(IPromptStore store, CancellationToken cancellation) =>
        ApiResults.Json(new JsonObject { ["exec_info"] = new JsonObject { ["queue_remaining"] = await store.RemainingAsync(cancellation) } });
}
