using Workflow.Nodes.Diffusion.Resizing;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's LatentBatch (comfy_extras/nodes_latent.py): <c>samples2</c> appended to <c>samples1</c>, resized first
/// (bilinear, centre-cropped: reshape_latent_to) where its size differs. Batch indices are both inputs' own or their
/// positions, so each latent keeps its noise; the noise mask is <c>samples1</c>'s, as ComfyUI's copy of its dict.
/// </summary>
[Node("LatentBatch", DisplayName = "Latent Batch", Category = "latent/batch",
      Description = "Combine two latent representations into a single batch.")]
public sealed class LatentBatch : INode
{
    public Latent Execute(
        [Input(Tooltip = "First latent input for the batch.")] Latent samples1,
        [Input(Tooltip = "Second latent input to append to the batch.")] Latent samples2)
    {
        using var scope = torch.NewDisposeScope();
        var first = samples1.Samples;
        var second = Fitted(first, samples2.Samples);
        var indices = Indices(samples1).Concat(Indices(samples2)).ToList();
        return new Latent(torch.cat([first, second], 0).DetachFromDisposeScope(), samples1.NoiseMask?.clone().DetachFromDisposeScope(), indices);
    }

    private static Tensor Fitted(Tensor target, Tensor latent)
    {
        if (latent.ndim != target.ndim || latent.shape[1] != target.shape[1])
            throw new InputException("samples2", $"a latent of shape [{string.Join(", ", latent.shape)}]",
                $"it cannot join a batch of shape [{string.Join(", ", target.shape)}]: the channels (and dimensions) must agree");
        return latent.shape[1..].SequenceEqual(target.shape[1..])
            ? latent
            : CommonUpscale.Resize(latent, target.shape[^1], target.shape[^2], UpscaleMethod.Bilinear, CropMethod.Center);
    }

    private static IEnumerable<int> Indices(Latent latent) => latent.BatchIndex ?? Enumerable.Range(0, (int)latent.Samples.shape[0]);
}
