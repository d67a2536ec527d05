using Workflow.Testing;

namespace Workflow.Nodes.Core.Tests;

public sealed class TextTests : IDisposable
{
    private readonly TestEngine _test = CoreEngine.Create();

    public void Dispose() => _test.Dispose();

    [Fact]
    public void Concatenate_joins_with_the_delimiter() =>
        Assert.Equal("a, b", CoreEngine.Evaluate(_test, "StringConcatenate", """{"string_a": "a", "string_b": "b", "delimiter": ", "}"""));

    [Fact]
    public void Replace_replaces_every_occurrence() =>
        Assert.Equal("a-b-c", CoreEngine.Evaluate(_test, "StringReplace", """{"string": "a b c", "find": " ", "replace": "-"}"""));

    [Fact]
    public void Replace_with_nothing_to_find_leaves_the_text() =>
        Assert.Equal("abc", CoreEngine.Evaluate(_test, "StringReplace", """{"string": "abc", "find": "", "replace": "x"}"""));

    [Fact]
    public void Primitives_pass_their_value_on()
    {
        Assert.Equal("-5", CoreEngine.Evaluate(_test, "PrimitiveInt", """{"value": -5}"""));
        Assert.Equal("0.25", CoreEngine.Evaluate(_test, "PrimitiveFloat", """{"value": 0.25}"""));
        Assert.Equal("True", CoreEngine.Evaluate(_test, "PrimitiveBoolean", """{"value": true}"""));
        Assert.Equal("line 1\nline 2", CoreEngine.Evaluate(_test, "PrimitiveStringMultiline", """{"value": "line 1\nline 2"}"""));
        Assert.Equal("18446744073709551615", CoreEngine.Evaluate(_test, "Seed", """{"seed": 18446744073709551615}"""));
    }
}
