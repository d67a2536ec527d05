using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// Samples a latent several times, by expansion: the node returns a chain of DDIMSample nodes, each denoising the
/// previous pass's latent with the next seed, and the engine runs it in the node's place. The first pass uses
/// <c>denoise</c> (1: from pure noise), later passes <c>refine_denoise</c>. Each pass is cached as any DDIMSample is,
/// so one more pass runs only the new one.
/// </summary>
[Node("RepeatLatentSample", DisplayName = "Repeat Latent Sample", Category = "sampling",
      Description = "Runs DDIMSample several times in a chain, each pass refining the previous one's latent.")]
public sealed class RepeatLatentSample : INode
{
    public Expansion<Latent> Execute(NodeContext context,
        DiffusionModel model, Conditioning positive, Conditioning negative, Latent latentImage,
        [Seed, Input(Tooltip = "The first pass's seed; each later pass uses the next.")] ulong seed = 0,
        [Int(Min = 1, Max = 10000)] int steps = 20,
        [Float(Min = 0, Max = 100, Step = 0.1, Round = 0.01)] double cfg = 7.5,
        [Float(Min = 0, Max = 1, Step = 0.01), Input(Tooltip = "The first pass's denoise.")] double denoise = 1.0,
        [Float(Min = 0, Max = 1, Step = 0.01), Input(Tooltip = "The later passes' denoise: how much of the previous latent each replaces.")] double refineDenoise = 0.5,
        [Int(Min = 1, Max = 100), Input(Tooltip = "How many passes.")] int times = 2)
    {
        var graph = new GraphBuilder(context);
        GraphValue latent = graph.ParentInput("latent_image");
        for (int pass = 0; pass < times; pass++)
            latent = graph.Node("DDIMSample")
                .Input("model", graph.ParentInput("model"))
                .Input("positive", graph.ParentInput("positive"))
                .Input("negative", graph.ParentInput("negative"))
                .Input("latent_image", latent)
                .Input("seed", unchecked(seed + (ulong)pass))
                .Input("steps", graph.ParentInput("steps"))
                .Input("cfg", graph.ParentInput("cfg"))
                .Input("denoise", graph.ParentInput(pass == 0 ? "denoise" : "refine_denoise"))
                .Output(0);
        return new Expansion<Latent>(graph, latent);
    }
}
