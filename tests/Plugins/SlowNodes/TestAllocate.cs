using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace SlowNodes;

/// <summary>
/// An output node whose output is a large image of random values (every page written), which the server's cache
/// keeps: what /free must give back.
/// </summary>
[Node("TestAllocate", Category = "test", OutputNode = true)]
public sealed class TestAllocate : INode
{
    public ImageBatch Execute(NodeContext context, [Int(Min = 1, Max = 4096)] long megabytes = 64, [Int(Min = 0, Max = 1000)] long seed = 0)
    {
        long height = (megabytes << 20) / (1024 * 3 * sizeof(float));   // rows of 1024 RGB float pixels
        using var generator = new Generator(seed);
        return new ImageBatch(torch.rand([1, height, 1024, 3], generator: generator));
    }
}
