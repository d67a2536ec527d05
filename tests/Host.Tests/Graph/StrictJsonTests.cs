using System.Text;
using Workflow.Host.Graph;

namespace Workflow.Host.Tests.Graph;

/// <summary>What the strict reader refuses that System.Text.Json would accept and fail on later, and where it says it is.</summary>
public sealed class StrictJsonTests
{
    [Fact]
    public void A_repeated_key_is_refused_with_its_path_line_and_column()
    {
        var result = StrictJson.Parse("{\"1\": {\"inputs\": [0, {\"a\": 1,\n \"a\": 2}]}}");
        Assert.Null(result.Node);
        Assert.Equal("The key \"a\" appears twice in $[\"1\"][\"inputs\"][1] (line 2, column 2).", result.Error);
        Assert.Equal((2, 2), (result.Line, result.Column));
    }

    [Fact]
    public void The_same_key_in_sibling_objects_is_no_repeat() =>
        Assert.NotNull(StrictJson.Parse("""[{"a": 1}, {"a": 2}, {"b": {"a": 3}, "a": 4}]""").Node);

    [Theory]
    [InlineData("""{"x": ["ok", "a\ud800"]}""", "The string \"a\\ud800\" at $[\"x\"][1]")]
    [InlineData("""{"x": {"\udc00": 1}}""", "The key \"\\udc00\" at $[\"x\"]")]
    public void An_escaped_lone_surrogate_is_refused_where_it_is(string json, string start)
    {
        var error = StrictJson.Parse(json).Error;
        Assert.StartsWith(start, error);
        Assert.Contains("half of a UTF-16 surrogate pair", error);
    }

    [Fact]
    public void Text_that_is_not_UTF8_is_refused_naming_the_byte_and_its_position()
    {
        byte[] json = [.. "{\"a\":\n \"x"u8, 0xC3, 0x28, .. "\"}"u8];
        var result = StrictJson.Parse(json);
        Assert.Equal("Not UTF-8 text: byte 0xC3 is not part of a UTF-8 character (line 2, column 4).", result.Error);
    }

    [Fact]
    public void A_byte_order_mark_escaped_pairs_and_characters_outside_the_BMP_are_text()
    {
        var result = StrictJson.Parse([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes("""{"a": "\ud83d\ude00 😀"}""")]);
        Assert.Equal("😀 😀", (string?)result.Node!["a"]);
    }

    [Fact]
    public void Deeper_than_64_levels_is_malformed_with_the_reason() =>
        Assert.Contains("depth of 64", StrictJson.Parse(new string('[', 65) + new string(']', 65)).Error);
}
