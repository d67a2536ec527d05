using Workflow.Nodes.Diffusion.Models;
using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>
/// A network in half precision as the benchmark's sampler sees it: the latents and conditioning cast to the weights'
/// dtype at its input and the prediction cast back to float32, as diffusers' pipelines do with torch_dtype. The
/// benchmark does it itself so it measures the same arithmetic whether or not MODELs cast on their own. Borrows the
/// network: disposing this leaves it to its owner.
/// </summary>
internal sealed class CastingNetwork(IDenoisingNetwork network, ScalarType dtype) : IDenoisingNetwork
{
    public Module Module => network.Module;

    public IReadOnlyList<Attention> CrossAttentionLayers => network.CrossAttentionLayers;

    public Tensor Forward(Tensor sample, Tensor timestep, Tensor context, PatchedCall? patches = null)
    {
        using var scope = torch.NewDisposeScope();
        return network.Forward(sample.to(dtype), timestep, context.to(dtype), patches).to(torch.float32).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
    }
}
