using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.LatentUpscaling;

/// <summary>Keeps a copy of every value recorded under each name, in order, to compare a whole trajectory step by step.</summary>
internal sealed class StepCapture : IIntermediateCapture, IDisposable
{
    private readonly Dictionary<string, List<Tensor>> _steps = [];

    public void Record(string name, Tensor value)
    {
        if (!_steps.TryGetValue(name, out var list))
            _steps[name] = list = [];
        list.Add(value.clone().DetachFromDisposeScope());
    }

    /// <summary>The values recorded under <paramref name="name"/> stacked on a new leading step axis (the fixture's [step] convention).</summary>
    public Tensor Stacked(string name) => torch.stack([.. _steps[name]]);

    public int Count(string name) => _steps.TryGetValue(name, out var list) ? list.Count : 0;

    public void Dispose()
    {
        foreach (var tensor in _steps.Values.SelectMany(l => l))
            tensor.Dispose();
    }
}
