using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's ModelSamplingSD3: the same MODEL (its weights shared) sampled by discrete flow matching with another
/// shift; a larger shift spends more steps at high noise. KSampler follows it; FlowEulerSample has its own shift.
/// </summary>
[Node("ModelSamplingSD3", Category = "advanced/model",
      Description = "Sets the timestep shift of a flow-matching model's sampling.")]
public sealed class ModelSamplingSd3 : INode
{
    public DiffusionModel Execute(
        [Input(Tooltip = "The model to patch (it stays as it is; a copy sharing its weights is returned).")] DiffusionModel model,
        [Float(Min = 0.0, Max = 100.0, Step = 0.01), Input(Tooltip = "σ = shift·t / (1 + (shift − 1)·t); SD3 and SD3.5 were trained with 3.")] double shift = 3.0)
    {
        if (shift <= 0)
            throw new InputException("shift", shift, "must be above 0 (at 0 every σ is 0 and nothing is denoised)");
        return model.WithSampling(new ModelSamplingDiscreteFlow(shift));
    }
}
