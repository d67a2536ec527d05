using Workflow.Nodes.Core.Output;
using Workflow.Testing;

namespace Workflow.Nodes.Core.Tests;

/// <summary>An engine over the Nodes.Core assembly, loaded in-process.</summary>
public static class CoreEngine
{
    public static TestEngine Create() => new([typeof(SaveText).Assembly]);

    /// <summary>Runs one node with the given inputs (JSON) into SaveText and returns the text it wrote.</summary>
    public static string Evaluate(TestEngine test, string classType, string inputsJson)
    {
        var result = test.Run($$$"""
            {"1": {"class_type": "{{{classType}}}", "inputs": {{{inputsJson}}}},
             "2": {"class_type": "SaveText", "inputs": {"value": ["1", 0]}}
            }
            """);
        Assert.True(result.Status == Host.Execution.ExecutionStatus.Succeeded, result.Failure?.ExceptionMessage);
        return (string)result.Outputs[new("2")]["text"]![0]!;
    }
}
