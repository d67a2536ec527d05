using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>Keeps a copy of each intermediate a forward pass reports, to compare block by block.</summary>
internal sealed class CapturedTensors : IIntermediateCapture, IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors = [];

    public IReadOnlyDictionary<string, Tensor> Tensors => _tensors;

    public void Record(string name, Tensor value) => _tensors[name] = value.clone().DetachFromDisposeScope();

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
            tensor.Dispose();
    }
}
