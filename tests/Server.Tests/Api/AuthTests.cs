using System.Net;
using System.Net.WebSockets;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Api;

/// <summary>The optional bearer token: with one set, nothing answers without it; without one, everything is open.</summary>
public sealed class AuthTests
{
    private const string Token = "s3cret-token";

    [Theory]
    [InlineData("/prompt")]
    [InlineData("/api/prompt")]
    [InlineData("/queue")]
    [InlineData("/history")]
    [InlineData("/object_info")]
    [InlineData("/view?filename=x.png")]
    [InlineData("/no/such/route")]
    public async Task With_a_token_every_route_needs_it(string path)
    {
        await using var server = await TestServer.StartAsync(o => o with { AuthToken = Token });
        using var anonymous = new ComfyHttp(server.Address);
        using var wrong = new ComfyHttp(server.Address, "not-it");

        var refused = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("unauthorized", (string?)refused.Json!["error"]!["type"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(path)).Status);
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await server.Http.GetAsync(path)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/prompt", Prompts.Body(Prompts.Sum(1, 1)))).Status);
    }

    [Fact]
    public async Task With_a_token_the_websocket_needs_it_as_a_header_or_query_parameter()
    {
        await using var server = await TestServer.StartAsync(o => o with { AuthToken = Token });
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => TestSocket.ConnectAsync(server.Address, "nobody"));
        Assert.Contains("401", refused.Message);

        await using (var withHeader = await TestSocket.ConnectAsync(server.Address, "header", Token))
            Assert.Equal("header", (string?)(await withHeader.ReadUntilAsync(f => f.Type == "status"))[^1].Data!["sid"]);
        await using var withQuery = await TestSocket.ConnectAsync(server.Address, "query", Token, tokenInQuery: true);
        Assert.Equal("query", (string?)(await withQuery.ReadUntilAsync(f => f.Type == "status"))[^1].Data!["sid"]);
    }

    [Fact]
    public async Task Without_a_token_no_credentials_are_needed()
    {
        await using var server = await TestServer.StartAsync();
        using var anonymous = new ComfyHttp(server.Address);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/prompt")).Status);
        var promptId = await anonymous.QueueAsync(Prompts.Sum(2, 3));
        Assert.Equal("5", ComfyHttp.SavedText(await anonymous.WaitForHistoryAsync(promptId)));
    }
}
