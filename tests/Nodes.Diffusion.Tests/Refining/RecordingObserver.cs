using Workflow.Nodes.Diffusion.Refining;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Refining;

/// <summary>Keeps a copy of every intermediate the refiner reports, and each block's place in the window.</summary>
internal sealed class RecordingObserver : IRefinerObserver, IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors = [];

    public IReadOnlyDictionary<string, Tensor> Tensors => _tensors;

    public List<RefinedBlock> Blocks { get; } = [];

    public void Record(string name, Tensor value) => _tensors[name] = value.clone().DetachFromDisposeScope();

    public void BlockDone(RefinedBlock block) => Blocks.Add(block);

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
            tensor.Dispose();
    }
}
