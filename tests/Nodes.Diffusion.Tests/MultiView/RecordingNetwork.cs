using Workflow.Nodes.Diffusion.Models;
using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.MultiView;

/// <summary>A network that keeps a copy of every input and output of the network it wraps (a sampler's apply_model calls).</summary>
internal sealed class RecordingNetwork(IDenoisingNetwork inner) : IDenoisingNetwork
{
    public List<Tensor> Inputs { get; } = [];

    public List<Tensor> Outputs { get; } = [];

    public Module Module => inner.Module;

    public IReadOnlyList<Attention> CrossAttentionLayers => inner.CrossAttentionLayers;

    public Tensor Forward(Tensor sample, Tensor timestep, Tensor context, PatchedCall? patches = null)
    {
        Inputs.Add(sample.clone().DetachFromDisposeScope());
        var output = inner.Forward(sample, timestep, context, patches);
        Outputs.Add(output.clone().DetachFromDisposeScope());
        return output;
    }

    public void Dispose()
    {
        foreach (var tensor in Inputs.Concat(Outputs))
            tensor.Dispose();
        inner.Dispose();
    }
}
