using System.Diagnostics;
using System.Text.Json.Nodes;
using Workflow.Imaging;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Clients;

/// <summary>
/// A published ComfyUI client from npm (@stable-canvas/comfyui-client), unmodified, runs a workflow against the
/// server over HTTP and the WebSocket. The package is installed with npm under artifacts/ on first use.
/// </summary>
public sealed class NpmClientTests
{
    private const string Package = "@stable-canvas/comfyui-client@1.5.9";
    private const string WebSocketPackage = "ws@8.18.0";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    [NodeFact]
    public async Task The_stable_canvas_client_runs_a_workflow_and_fetches_its_image()
    {
        var clientDirectory = await InstallAsync();
        await using var server = await TestServer.StartAsync();
        Directory.CreateDirectory(server.Paths.Input);
        await File.WriteAllBytesAsync(Path.Combine(server.Paths.Input, "start.png"),
            Png.Encode(new RasterImage(2, 2, 3, [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9])));
        var prompt = new JsonObject
        {
            ["1"] = Prompts.Node("LoadImage", new JsonObject { ["image"] = "start.png" }),
            ["9"] = Prompts.Node("SaveImage", new JsonObject { ["images"] = Prompts.Link("1"), ["filename_prefix"] = "npm" }),
        };
        var promptFile = Path.Combine(server.BaseDirectory, "prompt.json");
        await File.WriteAllTextAsync(promptFile, prompt.ToJsonString());

        var output = await RunAsync(clientDirectory, "node", "stable_canvas_client.mjs", server.Address.Authority, promptFile);
        var seen = JsonNode.Parse(output.Trim().Split('\n')[^1])!;

        Assert.Equal("posix", (string?)seen["os"]);
        Assert.True((bool)seen["has_save_image"]!);
        Assert.Equal("success", (string?)seen["history_status"]);
        Assert.Equal(0, (int)seen["queue_left"]!);
        var image = seen["images"]!.AsArray().Single()!;
        Assert.Equal(200, (int)image["status"]!);
        Assert.Equal([137, 80, 78, 71, 13, 10, 26, 10], image["head"]!.AsArray().Select(b => (int)b!).ToList());
        Assert.Contains("filename=npm_00001_.png", (string?)image["url"]);
    }

    /// <summary>Installs the client once into artifacts/npm-clients (kept between runs; npm is the only network use).</summary>
    private static async Task<string> InstallAsync()
    {
        var directory = Path.Combine(BuildPaths.Artifacts, "npm-clients", "stable-canvas");
        Directory.CreateDirectory(directory);
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "@stable-canvas", "comfyui-client")))
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "package.json"), """{"private": true, "type": "module"}""");
            await RunAsync(directory, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error", Package, WebSocketPackage);
        }
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Clients", "stable_canvas_client.mjs"), Path.Combine(directory, "stable_canvas_client.mjs"), overwrite: true);
        return directory;
    }

    private static async Task<string> RunAsync(string workingDirectory, string program, params string[] args)
    {
        var start = new ProcessStartInfo(NodeClient.Find(program) ?? program)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish:\n{await stderr}");
        }
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return await stdout;
    }
}
