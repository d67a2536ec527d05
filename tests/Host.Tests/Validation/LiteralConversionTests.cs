using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Validation;

/// <summary>How literals become parameter values: ComfyUI's conversions where they are unambiguous, defaults for left-out widgets.</summary>
public sealed class LiteralConversionTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly]);

    public void Dispose() => _test.Dispose();

    private string Shown(string valueJson, string classType = "TestConstant", string input = "value")
    {
        var result = _test.Run($$$"""
            {"1": {"class_type": "{{{classType}}}", "inputs": {"{{{input}}}": {{{valueJson}}}}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}
            }
            """);
        return TestEngine.ShownValue(result, "2");
    }

    [Theory]
    [InlineData("12", "12")]
    [InlineData("12.0", "12")]
    [InlineData("\"7\"", "7")]
    [InlineData("-100", "-100")]
    public void Int_accepts_integral_numbers_and_numeric_strings(string literal, string expected) => Assert.Equal(expected, Shown(literal));

    [Theory]
    [InlineData("12.5")]
    [InlineData("true")]
    [InlineData("[1]")]
    public void Int_refuses_what_is_not_an_integer(string literal)
    {
        var result = _test.Validate($$$"""
            {"1": {"class_type": "TestConstant", "inputs": {"value": {{{literal}}}}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}
            }
            """);
        Assert.Contains(result.NodeErrors[new("1")].Errors, e => e.Type is "invalid_input_type" or "bad_linked_input");
    }

    [Fact]
    public void Widgets_left_out_take_their_defaults() =>
        Assert.Equal("Fast/red/0.5", TestEngine.ShownValue(_test.Run("""
            {"1": {"class_type": "TestChoice", "inputs": {}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """), "2"));

    [Fact]
    public void Optional_input_left_out_is_null() =>
        Assert.Equal("1001", Shown("1", "TestOptional", "a"));

    [Fact]
    public void Enum_combo_takes_wire_names() =>
        Assert.Equal("VerySlow/red/0.5", Shown("\"very_slow\"", "TestChoice", "mode"));

    [Fact]
    public void Seed_spans_the_whole_unsigned_64_bit_range()
    {
        Assert.Equal("18446744073709551615", Shown("18446744073709551615", "TestSeed", "seed"));
        var tooBig = _test.Validate("""
            {"1": {"class_type": "TestSeed", "inputs": {"seed": 18446744073709551616}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        Assert.Equal("value_bigger_than_max", tooBig.NodeErrors[new("1")].Errors.Single().Type);
    }

    [Fact]
    public void Boolean_accepts_json_booleans_and_their_text() =>
        Assert.Equal("LOUD", TestEngine.ShownValue(_test.Run("""
            {"1": {"class_type": "TestText", "inputs": {"text": "loud", "shout": "true"}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """), "2"));

    [Fact]
    public void Int_link_into_a_float_input_is_a_type_mismatch_as_in_ComfyUI()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 1}},
             "2": {"class_type": "TestChoice", "inputs": {"strength": ["1", 0]}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """);
        Assert.Equal("return_type_mismatch", result.NodeErrors[new("2")].Errors.Single().Type);
    }

    [Fact]
    public void Int_link_converts_between_integer_parameter_types()
    {
        const string workflow = """
            {"1": {"class_type": "TestConstant", "inputs": {"value": 42}},
             "2": {"class_type": "TestSeed", "inputs": {"seed": ["1", 0]}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """;
        Assert.Equal("42", TestEngine.ShownValue(_test.Run(workflow), "3"));

        var negative = _test.Run(workflow.Replace("42", "-5"));
        Assert.Equal(Host.Execution.ExecutionStatus.Failed, negative.Status);
        Assert.Equal("seed = -5: does not fit in UInt64", negative.Failure!.ExceptionMessage);
        Assert.Equal("2", negative.Failure.NodeId);
    }
}
