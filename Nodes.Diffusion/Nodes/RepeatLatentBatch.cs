using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's RepeatLatentBatch (nodes.py): the batch <c>amount</c> times over. A noise mask of several items is
/// repeated alike (one item serves every latent as it is); batch indices continue past the batch's range for each
/// copy, so every copy draws new noise.
/// </summary>
[Node("RepeatLatentBatch", DisplayName = "Repeat Latent Batch", Category = "latent/batch",
      Description = "Repeats a batch of latents; each copy gets its own noise.")]
public sealed class RepeatLatentBatch : INode
{
    public Latent Execute(
        [Input(Tooltip = "The latents to repeat.")] Latent samples,
        [Int(Min = 1, Max = 64), Input(Tooltip = "How many copies of the batch.")] int amount = 1)
    {
        using var scope = torch.NewDisposeScope();
        var repeated = Repeat(samples.Samples, amount);
        var mask = samples.NoiseMask is { } masks ? (masks.shape[0] > 1 ? Repeat(masks, amount) : masks.clone()) : null;
        return new Latent(repeated.DetachFromDisposeScope(), mask?.DetachFromDisposeScope(), Indices(samples.BatchIndex, amount));
    }

    private static Tensor Repeat(Tensor tensor, int amount) => tensor.repeat([amount, .. Enumerable.Repeat(1L, (int)tensor.ndim - 1)]);

    /// <summary>Each copy's indices shifted by the span of the originals (max − min + 1), as ComfyUI numbers them.</summary>
    private static IReadOnlyList<int>? Indices(IReadOnlyList<int>? indices, int amount)
    {
        if (indices is null)
            return null;
        int offset = indices.Max() - indices.Min() + 1;
        return Enumerable.Range(0, amount).SelectMany(copy => indices.Select(x => x + copy * offset)).ToList();
    }
}
