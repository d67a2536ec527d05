using Workflow.Host.Execution;
using Workflow.Testing;

namespace Workflow.Nodes.Core.Tests;

public sealed class ArithmeticTests : IDisposable
{
    private readonly TestEngine _test = CoreEngine.Create();

    public void Dispose() => _test.Dispose();

    [Theory]
    [InlineData("add", "10")]
    [InlineData("subtract", "4")]
    [InlineData("multiply", "21")]
    [InlineData("divide", "2")]
    [InlineData("modulo", "1")]
    [InlineData("power", "343")]
    [InlineData("minimum", "3")]
    [InlineData("maximum", "7")]
    public void Int_arithmetic(string operation, string expected) =>
        Assert.Equal(expected, CoreEngine.Evaluate(_test, "IntArithmetic", $$$"""{"a": 7, "b": 3, "operation": "{{{operation}}}"}"""));

    [Fact]
    public void Int_division_rounds_toward_zero() =>
        Assert.Equal("-2", CoreEngine.Evaluate(_test, "IntArithmetic", """{"a": -7, "b": 3, "operation": "divide"}"""));

    [Theory]
    [InlineData("add", "3.75")]
    [InlineData("divide", "0.875")]
    [InlineData("power", "1.75")]
    public void Float_arithmetic(string operation, string expected) =>
        Assert.Equal(expected, CoreEngine.Evaluate(_test, "FloatArithmetic", $$$"""{"a": 1.75, "b": {{{(operation == "power" ? 1 : 2)}}}, "operation": "{{{operation}}}"}"""));

    [Theory]
    [InlineData("IntArithmetic", "divide")]
    [InlineData("IntArithmetic", "modulo")]
    [InlineData("FloatArithmetic", "divide")]
    public void Dividing_by_zero_names_the_input_and_value(string node, string operation)
    {
        var result = _test.Run($$$"""
            {"1": {"class_type": "{{{node}}}", "inputs": {"a": 1, "b": 0, "operation": "{{{operation}}}"}},
             "2": {"class_type": "SaveText", "inputs": {"value": ["1", 0]}}
            }
            """);
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.StartsWith("b = 0: ", result.Failure!.ExceptionMessage);
    }

    [Fact]
    public void Int_overflow_is_an_error_not_a_wrapped_value()
    {
        var result = _test.Run("""
            {"1": {"class_type": "IntArithmetic", "inputs": {"a": 9223372036854775807, "b": 1, "operation": "add"}},
             "2": {"class_type": "SaveText", "inputs": {"value": ["1", 0]}}}
            """);
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("System.OverflowException", result.Failure!.ExceptionType);
    }
}
