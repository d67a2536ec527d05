using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>What ModelSamplingDiscrete says the network predicts: ComfyUI's options; lcm and x0 are refused.</summary>
public enum DiscreteSamplingType
{
    [WireName("eps")] Eps,
    [WireName("v_prediction")] VPrediction,
    [WireName("lcm")] Lcm,
    [WireName("x0")] X0,
}

/// <summary>
/// ComfyUI's ModelSamplingDiscrete (comfy_extras/nodes_model_advanced.py): the same MODEL (its weights shared) sampled
/// as an ε- or v-prediction model over its checkpoint's betas, optionally with zero terminal SNR (zsnr), for a
/// checkpoint whose config does not say (an SD2.x 768-v file without its .yaml). KSampler follows it; DdimSample
/// follows the checkpoint's scheduler config.
/// </summary>
[Node("ModelSamplingDiscrete", Category = "advanced/model",
      Description = "Sets what a discrete-time model predicts (ε or v) and whether its schedule ends at zero SNR.")]
public sealed class ModelSamplingDiscreteNode : INode
{
    public DiffusionModel Execute(
        [Input(Tooltip = "The model to patch (it stays as it is; a copy sharing its weights is returned).")] DiffusionModel model,
        [Input(Tooltip = "eps: the network predicts the noise; v_prediction: the velocity (SD2.x 768-v and other v models).")] DiscreteSamplingType sampling,
        [Input(Tooltip = "Rescale the schedule to zero terminal SNR, for models trained that way.")] bool zsnr = false)
    {
        var prediction = sampling switch
        {
            DiscreteSamplingType.Eps => "epsilon",
            DiscreteSamplingType.VPrediction => "v_prediction",
            _ => throw new InputException("sampling", ComfyNames.Of(sampling),
                "lcm (a distilled 50-step schedule) and x0 sampling are not supported here: choose eps or v_prediction"),
        };
        DdimSchedulerConfig schedule;
        try
        {
            schedule = model.Schedule;
        }
        catch (NotSupportedException ex)
        {
            throw new InputException("model", "MODEL", "a flow-matching model has no discrete schedule: set its sampling with ModelSamplingSD3", ex);
        }
        return model.WithSampling(new ModelSamplingDiscrete(schedule with { PredictionTypeName = prediction }, zsnr));
    }
}
