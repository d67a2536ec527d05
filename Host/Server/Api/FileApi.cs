using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Workflow.Host.Engine;
using Workflow.Host.Server.Files;
using Workflow.Torch.IO;

namespace Workflow.Host.Server.Api;

/// <summary>GET /view (a file from output/, input/ or temp/) and POST /upload/image, both kept inside their folders.</summary>
public static class FileApi
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Served as plain bytes, never rendered: an uploaded page or script must not run in the server's origin.</summary>
    private static readonly HashSet<string> ActiveContent = [".html", ".htm", ".js", ".mjs", ".css", ".svg", ".xhtml"];

    public static void MapFileApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/view", View);
        routes.MapPost("/upload/image", UploadImage);
    }

    private static IResult View(HttpRequest request, WorkflowEngine engine)
    {
        var filename = request.Query["filename"].ToString();
        var type = request.Query["type"].ToString();
        // ComfyUI's annotated names: "name.png [output]" names its folder.
        if (filename.EndsWith(']') && filename.LastIndexOf(" [", StringComparison.Ordinal) is var at and > 0)
            (filename, type) = (filename[..at], filename[(at + 2)..^1]);
        if (SafeFiles.Root(engine.Paths, type) is not { } root)
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_type", $"Unknown file type '{type}'");
        var target = SafeFiles.File(root, request.Query["subfolder"], filename);
        if (!target.Allowed)
            return ApiResults.Error(target.StatusCode, "invalid_path", target.Problem);
        FileStream file;
        try
        {
            file = RegularFile.OpenRead(target.Path!);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, "not_found", $"No file '{filename}'");
        }
        catch (NotRegularFileException ex)
        {
            // ComfyUI answers 404 where os.path.isfile is false; opening a FIFO would hold this request forever.
            return ApiResults.Error(StatusCodes.Status404NotFound, "not_a_file", $"'{filename}' is {ex.What}, not a regular file");
        }
        var extension = Path.GetExtension(target.Path!).ToLowerInvariant();
        var contentType = !ActiveContent.Contains(extension) && ContentTypes.TryGetContentType(target.Path!, out var known) ? known : "application/octet-stream";
        return Results.File(file, contentType, Path.GetFileName(target.Path), System.IO.File.GetLastWriteTimeUtc(target.Path!), enableRangeProcessing: true);
    }

    /// <summary>ComfyUI's upload: an identical file already there is reused; another of that name makes "name (1).ext" unless overwrite.</summary>
    private static async Task<IResult> UploadImage(HttpRequest request, WorkflowEngine engine, CancellationToken cancellation)
    {
        if (!request.HasFormContentType)
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_upload", "Expected multipart/form-data with an 'image' file");
        var form = await request.ReadFormAsync(cancellation);
        if (form.Files["image"] is not { } file)
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_upload", "No 'image' file in the form");
        var type = form["type"].ToString() is { Length: > 0 } t ? t : "input";
        if (SafeFiles.Root(engine.Paths, type) is not { } root)
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_type", $"Unknown file type '{type}'");
        var subfolder = form["subfolder"].ToString();
        var target = SafeFiles.File(root, subfolder, file.FileName);
        if (!target.Allowed)
            return ApiResults.Error(target.StatusCode, "invalid_path", target.Problem);

        var bytes = new byte[file.Length];
        await using (var source = file.OpenReadStream())
            await source.ReadExactlyAsync(bytes, cancellation);
        var overwrite = form["overwrite"].ToString() is "true" or "1";
        if (overwrite && RegularFile.Describe(target.Path!) is { } what)
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_path", $"'{file.FileName}' is {what}, not a regular file to overwrite");
        var path = overwrite ? target.Path! : FreeName(target.Path!, bytes);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (overwrite || !System.IO.File.Exists(path))
        {
            // CreateNew will not follow a link planted under a fresh name; an overwritten name was checked above.
            await using var stream = new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write);
            await stream.WriteAsync(bytes, cancellation);
        }
        return ApiResults.Json(new JsonObject { ["name"] = Path.GetFileName(path), ["subfolder"] = subfolder, ["type"] = type });
    }

    /// <summary>
    /// The path itself when free or a regular file holding the same bytes, else the first such "name (i).ext"; a name
    /// taken by a FIFO, device or folder counts as taken (and is never read).
    /// </summary>
    private static string FreeName(string path, byte[] bytes)
    {
        var hash = SHA256.HashData(bytes);
        var stem = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path));
        var extension = Path.GetExtension(path);
        for (int i = 1; ; i++)
        {
            if (!System.IO.File.Exists(path) && !Directory.Exists(path) || RegularFile.Exists(path) && SameBytes(path, hash))
                return path;
            path = $"{stem} ({i}){extension}";
        }
    }

    private static bool SameBytes(string path, byte[] hash)
    {
        using var existing = RegularFile.OpenRead(path);
        return SHA256.HashData(existing).AsSpan().SequenceEqual(hash);
    }
}
