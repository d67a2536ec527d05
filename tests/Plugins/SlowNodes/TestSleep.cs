using Workflow.NodeSdk;

namespace SlowNodes;

/// <summary>
/// Waits <c>steps</c> × <c>step_ms</c>, reporting progress after each step (a cancellation point, with a small
/// preview when asked), then passes its value on: a stand-in for a sampler. With <c>ignore_cancellation</c> it sleeps
/// through an interruption, as a node stuck inside one native call does.
/// </summary>
[Node("TestSleep", Category = "test")]
public sealed class TestSleep : INode
{
    public long Execute(
        NodeContext context,
        long value,
        [Int(Min = 1, Max = 10000)] long steps = 10,
        [Int(Min = 0, Max = 600000)] long stepMs = 10,
        bool preview = false,
        bool ignoreCancellation = false)
    {
        for (long step = 1; step <= steps; step++)
        {
            if (ignoreCancellation)
                Thread.Sleep(TimeSpan.FromMilliseconds(stepMs));
            else
                context.Cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(stepMs));
            context.ReportProgress(step, steps, preview ? Gray((byte)(255 * step / steps)) : null);
        }
        return value;
    }

    private static PreviewImage Gray(byte level) => new(4, 4, Enumerable.Repeat(level, 4 * 4 * 3).ToArray());
}
