using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflow.Host.Graph;
using Workflow.Server.Tests.Support;
using Workflow.Testing;

namespace Workflow.Server.Tests.Api;

/// <summary>
/// Issue 11's hostile corpus (<see cref="HostileWorkflows"/>) posted to a served process: every refused case is a 4xx
/// with ComfyUI's error JSON naming the node and the input, key or value, never a 500; every case that fails while
/// running is recorded with the node and reason; none leaves a .NET stack trace in a reply, each ends within a time
/// limit, and the server's peak memory over the whole corpus stays under a bound.
/// </summary>
public sealed partial class HostileInputTests(HostileServer fixture) : IClassFixture<HostileServer>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The server's high-water mark over the corpus; the 50,000-node cycle (5 MB) is the largest case.</summary>
    private const long MemoryBound = 1L << 30;

    private static readonly Lazy<Dictionary<string, HostileCase>> Corpus = new(() => HostileWorkflows.All().ToDictionary(c => c.ToString()));

    private ComfyHttp Http => fixture.Process.Http;

    public static TheoryData<string> CaseNames => new(Corpus.Value.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Post_prompt_answers_4xx_or_records_the_failure_naming_the_node_never_500(string name)
    {
        var hostile = Corpus.Value[name];
        var clock = Stopwatch.StartNew();
        var reply = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/prompt") { Content = new ByteArrayContent(HostileWorkflows.PromptBody(hostile)) });

        if (hostile.Outcome == HostileOutcome.Refused)
            AssertRefused(hostile, reply);
        else
            await AssertFailedWhileRunning(hostile, reply);
        Assert.True(clock.Elapsed < Limit, $"{hostile} took {clock.Elapsed}");
        Assert.True(fixture.Process.PeakRssBytes < MemoryBound, $"after {hostile}: peak RSS {fixture.Process.PeakRssBytes >> 20} MiB");
    }

    [Theory]
    [InlineData("/view?filename=a%00b.png")]
    [InlineData("/view?filename=a.png&subfolder=x%00y")]
    [InlineData("/view?filename=a%0Ab.png&type=input")]
    public async Task A_control_character_in_a_view_path_is_400(string path)
    {
        var reply = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("control characters", (string?)reply.Json!["error"]!["message"]);
    }

    [Theory]
    [InlineData("a\0b.png", "")]
    [InlineData("a.png", "sub\0folder")]
    public async Task A_control_character_in_an_upload_name_is_400(string filename, string subfolder)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent([1, 2, 3]);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"image\"", FileNameStar = filename };
        form.Add(file);
        form.Add(new StringContent(subfolder), "subfolder");
        var reply = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/upload/image") { Content = form });
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("control characters", (string?)reply.Json!["error"]!["message"]);
    }

    [Theory]
    [InlineData("/queue", """{"delete": ["a"], "delete": ["b"]}""", "\"delete\" appears twice")]
    [InlineData("/history", """{"delete": ["\ud800"]}""", "surrogate")]
    [InlineData("/free", """{"free_memory": true, "x": "\udc00"}""", "surrogate")]
    public async Task Other_json_routes_refuse_what_the_strict_reader_refuses_with_400(string path, string body, string reason)
    {
        var reply = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body) });
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains(reason, (string?)reply.Json!["error"]!["message"]);
    }

    [Fact]
    public async Task A_prompt_numbered_1e400_is_queued_in_order_and_runs()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"prompt": {{Prompts.Sum(40, 2).ToJsonString()}}, "number": 1e400}""");
        var reply = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/prompt") { Content = new ByteArrayContent(body) });
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var entry = await Http.WaitForHistoryAsync((string)reply.Json!["prompt_id"]!, Limit);
        Assert.Equal("42", ComfyHttp.SavedText(entry));
    }

    private static void AssertRefused(HostileCase hostile, ComfyHttp.Reply reply)
    {
        Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{hostile}: {(int)reply.Status} {reply.Text[..Math.Min(reply.Text.Length, 2000)]}");
        Assert.Equal("application/json", reply.ContentType);
        Assert.NotNull((string?)reply.Json!["error"]!["type"]);
        Assert.NotNull(reply.Json["node_errors"] as JsonObject);
        if (hostile.Node is { } node)
            Assert.True(reply.Json["node_errors"]!.AsObject().ContainsKey(node), $"{hostile}: no node_errors entry for {node}: {reply.Text[..Math.Min(reply.Text.Length, 2000)]}");
        AssertNames(hostile, reply.Json);
        Assert.True(reply.Text.Length < 64 << 10, $"{hostile}: a body of {reply.Text.Length} characters");
        Assert.DoesNotMatch(StackFrame(), reply.Text);
    }

    private async Task AssertFailedWhileRunning(HostileCase hostile, ComfyHttp.Reply reply)
    {
        Assert.True(reply.Status == HttpStatusCode.OK, $"{hostile}: {(int)reply.Status} {reply.Text}");
        var entry = await Http.WaitForHistoryAsync((string)reply.Json!["prompt_id"]!, Limit);
        Assert.Equal("error", (string?)entry["status"]!["status_str"]);
        var error = entry["status"]!["messages"]!.AsArray().Single(m => (string?)m![0] == "execution_error")![1]!;
        Assert.Equal(hostile.Node, (string?)error["node_id"]);
        Assert.Empty(error["traceback"]!.AsArray());
        AssertNames(hostile, error);
        Assert.DoesNotMatch(StackFrame(), entry.ToJsonString());
    }

    /// <summary>Each name appears among the reply's strings and keys (control characters in them as they are, or made visible as messages show them).</summary>
    private static void AssertNames(HostileCase hostile, JsonNode reply)
    {
        var text = string.Join("\n", Strings(reply));
        foreach (var name in hostile.Names)
            Assert.True(text.Contains(name, StringComparison.Ordinal) || text.Contains(Echo.Visible(name), StringComparison.Ordinal),
                $"{hostile}: '{name}' not in {text[..Math.Min(text.Length, 2000)]}");
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value).Prepend(p.Key)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };

    [GeneratedRegex(@"\bat \S+\.\S+\(|Unhandled exception", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
