using System.Globalization;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Core.Lists;

/// <summary>
/// The integers from <c>start</c> up to (not including) <c>stop</c> by <c>step</c>, as Python's range, as a list: a
/// node it feeds runs once per number (a seed sweep, say).
/// </summary>
[Node("IntRange", DisplayName = "Int Range", Category = "utils/list",
      Description = "start, start + step, ... before stop (as Python's range), as a list: the nodes it feeds run once per number.")]
public sealed class IntRange : INode
{
    public IReadOnlyList<long> Execute(NodeContext context, long start = 0, long stop = 4, long step = 1)
    {
        if (step == 0)
            throw new InputException("step", step, "must not be 0");
        var span = (Int128)stop - start;
        var count = span == 0 || (span > 0) != (step > 0) ? 0 : (span + step - System.Math.Sign(step)) / step;
        if (count > context.Limits.MaxListLength)
            throw new InputException("stop", stop, $"the range has {count.ToString("N0", CultureInfo.InvariantCulture)} numbers, more than " +
                $"{context.Limits.MaxListLength.ToString("N0", CultureInfo.InvariantCulture)}, the longest list a node may output");
        var numbers = new long[(int)count];
        for (int i = 0; i < numbers.Length; i++)
            numbers[i] = (long)(start + (Int128)i * step);
        return numbers;
    }
}
