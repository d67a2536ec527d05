using Workflow.NodeSdk;

namespace WorkflowPlugin1;

/// <summary>An example node: the Execute signature is its schema (see docs/writing-plugins.md in the host).</summary>
[Node("WorkflowPlugin1.RepeatText", DisplayName = "Repeat Text", Category = "text", Description = "Repeats a text.")]
public sealed class RepeatText : INode
{
    public string Execute(
        NodeContext context,
        [String(Multiline = true)] string text,
        [Int(Min = 1, Max = 100)] int times = 2,
        string separator = " ")
    {
        context.Logger.LogRepeat(times);
        return string.Join(separator, Enumerable.Repeat(text, times));
    }
}
