using Workflow.Host.Execution;
using Workflow.Host.Graph;
using Workflow.Host.Tests.Support;
using Workflow.Testing;
using static Workflow.Testing.TestEngine;

namespace Workflow.Host.Tests.Execution;

/// <summary>partial_execution_targets: only the named outputs run, and what they need.</summary>
public sealed class PartialExecutionTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly]);

    public void Dispose() => _test.Dispose();

    private const string TwoOutputs = """
        {"1": {"class_type": "TestConstant", "inputs": {"value": 1}},
         "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}},
         "3": {"class_type": "TestConstant", "inputs": {"value": 3}},
         "4": {"class_type": "TestOutput", "inputs": {"value": ["3", 0]}}}
        """;

    [Fact]
    public void Only_the_targets_and_what_they_need_run()
    {
        var validation = _test.Engine.Validator.Validate(Parse(TwoOutputs), [new NodeId("4")]);
        var result = _test.Engine.Run(new RunRequest(validation.Prompt!, "partial"));
        Assert.Equal(["3", "4"], Ids(result.Executed));
        Assert.Equal([new NodeId("4")], result.Outputs.Keys);
    }

    [Fact]
    public void Targets_that_are_not_output_nodes_leave_no_outputs()
    {
        var validation = _test.Engine.Validator.Validate(Parse(TwoOutputs), [new NodeId("3")]);
        Assert.Equal("prompt_no_outputs", validation.Error!.Type);
    }
}
