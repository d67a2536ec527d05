using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Workflow.Server.Tests.Support;

/// <summary>A plain HTTP client for ComfyUI's routes, as a script would use them.</summary>
public sealed class ComfyHttp(Uri baseAddress, string? token = null) : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public HttpClient Client { get; } = Create(baseAddress, token);

    private static HttpClient Create(Uri baseAddress, string? token)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = Patience };
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public sealed record Reply(HttpStatusCode Status, JsonNode? Json, string Text, string? ContentType);

    public Task<Reply> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>Posts JSON as text/plain, as one npm client does: the server must read it anyway.</summary>
    public Task<Reply> PostAsync(string path, JsonNode? body, string contentType = "text/plain") =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body?.ToJsonString() ?? "", Encoding.UTF8, contentType),
        });

    public async Task<Reply> SendAsync(HttpRequestMessage request)
    {
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
            json = JsonNode.Parse(text);
        return new Reply(response.StatusCode, json, text, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>POST /upload/image with the file as "image" (a PNG by its content type) and the given form fields.</summary>
    public Task<Reply> UploadAsync(byte[] bytes, string filename, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "image", filename);
        foreach (var (name, value) in fields)
            form.Add(new StringContent(value), name);
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, "/upload/image") { Content = form });
    }

    /// <summary>Queues a prompt that must be accepted; returns its id.</summary>
    public async Task<string> QueueAsync(JsonObject prompt, string? clientId = null)
    {
        var reply = await PostAsync("/prompt", Prompts.Body(prompt, clientId));
        Assert.True(reply.Status == HttpStatusCode.OK, reply.Text);
        return (string)reply.Json!["prompt_id"]!;
    }

    /// <summary>Polls GET /history/{id} until the prompt has an entry (ComfyUI's clients do the same).</summary>
    public async Task<JsonObject> WaitForHistoryAsync(string promptId, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Patience);
        while (DateTime.UtcNow < deadline)
        {
            var reply = await GetAsync($"/history/{promptId}");
            if (reply.Json?[promptId] is JsonObject entry)
                return entry;
            await Task.Delay(50);
        }
        throw new TimeoutException($"prompt {promptId} did not finish within {(patience ?? Patience).TotalSeconds} s");
    }

    /// <summary>Polls GET /queue until the prompt is the one running.</summary>
    public async Task WaitUntilRunningAsync(string promptId)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var running = (await GetAsync("/queue")).Json!["queue_running"]!.AsArray();
            if (running.Any(item => (string?)item![1] == promptId))
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"prompt {promptId} did not start");
    }

    /// <summary>The text SaveText showed for the output node "9" of a finished prompt.</summary>
    public static string SavedText(JsonObject entry) => (string)entry["outputs"]!["9"]!["text"]![0]!;

    public void Dispose() => Client.Dispose();
}
