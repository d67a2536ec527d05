using Workflow.Nodes.Diffusion.Loading;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// A checkpoint of a known architecture with seeded random weights (and a byte-level tokenizer): runs whole pipelines,
/// or benchmarks them, where no real weights can be downloaded. Its images are noise patterns, not pictures.
/// </summary>
[Node("RandomCheckpoint", DisplayName = "Random Checkpoint", Category = "loaders/testing",
      Description = "A model with random weights of a known architecture, for testing and benchmarking without downloads.")]
public sealed class RandomCheckpointNode : INode
{
    public LoadCheckpoint.Outputs Execute(NodeContext context, RandomModelPreset preset = RandomModelPreset.Sd15Tiny, [Seed] ulong seed = 0,
        [Input(Tooltip = WeightDtypes.Tooltip)] WeightDtype? weightDtype = WeightDtype.Default)
    {
        var dtype = weightDtype.Resolve(context, context.Device);
        var loaded = RandomCheckpoint.Create(preset, unchecked((long)seed)).To(context.Device, dtype);
        return new LoadCheckpoint.Outputs(loaded.Model, loaded.Clip, loaded.Vae);
    }
}
