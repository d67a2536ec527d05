using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflow.Host.Engine;
using Workflow.Host.Memory;
using Workflow.Host.Registry;
using Workflow.Torch;

namespace Workflow.Host.Server.Api;

/// <summary>What the server offers: node schemas, the machine, model files, and the (empty) frontend extension lists.</summary>
public static class InfoApi
{
    public static void MapInfoApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/object_info", (WorkflowEngine engine) => ApiResults.Json(ObjectInfo.ForAll(engine.Registry, engine.Paths)));
        routes.MapGet("/object_info/{nodeClass}", GetNodeInfo);
        routes.MapGet("/system_stats", GetSystemStats);
        routes.MapGet("/features", (ServerOptions options) => ApiResults.Json(new JsonObject
        {
            ["supports_preview_metadata"] = false, ["max_upload_size"] = options.MaxUploadBytes,
        }));
        routes.MapGet("/embeddings", () => ApiResults.Json(new JsonArray()));
        routes.MapGet("/extensions", () => ApiResults.Json(new JsonArray()));
        routes.MapGet("/models", GetModelFolders);
        routes.MapGet("/models/{folder}", GetModelFiles);
    }

    /// <summary>An unknown class is <c>{}</c> with 200, as ComfyUI answers (a client probes for optional nodes this way).</summary>
    private static IResult GetNodeInfo(string nodeClass, WorkflowEngine engine)
    {
        var info = new JsonObject();
        if (engine.Registry.TryGet(nodeClass, out var definition))
            info[nodeClass] = ObjectInfo.ForNode(definition, nodeClass, engine.Paths);
        return ApiResults.Json(info);
    }

    /// <summary>The machine, and the device models run on with its memory (ComfyUI lists that one device).</summary>
    private static IResult GetSystemStats(WorkflowEngine engine)
    {
        var ram = HostMemory.Instance.Read();
        var device = engine.Executor.Device;
        return ApiResults.Json(new JsonObject
        {
            ["system"] = new JsonObject
            {
                ["os"] = OperatingSystem.IsWindows() ? "nt" : "posix",
                ["ram_total"] = ram.Total,
                ["ram_free"] = ram.Free,
                ["comfyui_version"] = "workflow-host " + typeof(InfoApi).Assembly.GetName().Version,
                ["required_frontend_version"] = "",
                ["python_version"] = ".NET " + Environment.Version,
                ["pytorch_version"] = "libtorch " + torch.__version__,
                ["embedded_python"] = false,
                ["argv"] = new JsonArray(Environment.GetCommandLineArgs().Select(a => (JsonNode)a).ToArray()),
            },
            ["devices"] = new JsonArray(DeviceStats.Describe(device, DeviceStats.Read(device))),
        });
    }

    private static IResult GetModelFolders(WorkflowEngine engine) => ApiResults.Json(new JsonArray(
        (Directory.Exists(engine.Paths.Models) ? Directory.GetDirectories(engine.Paths.Models) : [])
            .Select(d => (JsonNode)Path.GetFileName(d)).Order().ToArray()));

    private static IResult GetModelFiles(string folder, WorkflowEngine engine)
    {
        var path = Path.Combine(engine.Paths.Models, folder);
        if (folder.Contains('/') || folder.Contains('\\') || folder is "." or ".." || !Directory.Exists(path))
            return ApiResults.Error(StatusCodes.Status404NotFound, "not_found", $"No model folder '{folder}'");
        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(path, f).Replace('\\', '/')).Order(StringComparer.Ordinal);
        return ApiResults.Json(new JsonArray(files.Select(f => (JsonNode)f).ToArray()));
    }
}
