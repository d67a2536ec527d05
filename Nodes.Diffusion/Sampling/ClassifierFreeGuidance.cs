using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// Classifier-free guidance (Ho &amp; Salimans 2022) as diffusers' pipelines do it: the model sees [uncond, cond] as one
/// batch, and the prediction is uncond + scale · (cond − uncond); the unconditional half is skipped for a scale of 1 or
/// less. One plain prompt each (KSampler's ComfyUI guidance, with several entries, areas and masks, is
/// <see cref="Conds.ComfyGuidance"/>).
/// </summary>
public sealed class ClassifierFreeGuidance : IDisposable
{
    private readonly Tensor _context;

    public static ClassifierFreeGuidance Diffusers(Conditioning positive, Conditioning negative, double scale, long batch, Device device) =>
        new(positive, negative, scale, batch, device, enabled: scale > 1.0);

    /// <param name="device">The model's: the prompts' embeddings (on the CPU between nodes) are moved there once.</param>
    private ClassifierFreeGuidance(Conditioning positive, Conditioning negative, double scale, long batch, Device device, bool enabled)
    {
        Scale = scale;
        Enabled = enabled;
        using var scope = torch.NewDisposeScope();
        var cond = Repeat(positive, batch);
        _context = (Enabled ? torch.cat([Repeat(negative, batch), cond], dim: 0) : cond).to(device).DetachFromDisposeScope();
        if (RepeatPooled(positive, batch) is { } pooled && (!Enabled || RepeatPooled(negative, batch) is not null))
            Pooled = (Enabled ? torch.cat([RepeatPooled(negative, batch)!, pooled], dim: 0) : pooled).to(device).DetachFromDisposeScope();
    }

    public double Scale { get; }

    public bool Enabled { get; }

    /// <summary>
    /// The prompts' pooled outputs in the rows of the context the model is given (networks such as SD3's take them
    /// beside the tokens), or null where a prompt has none.
    /// </summary>
    public Tensor? Pooled { get; }

    /// <summary>
    /// Runs <paramref name="model"/> on the (doubled) latents and combines the halves. The model is told which rows are
    /// unconditional (patches such as IP-Adapter use other image tokens there).
    /// </summary>
    public Tensor Predict(Tensor latents, Func<Tensor, Tensor, IReadOnlyList<bool>, Tensor> model)
    {
        long batch = latents.shape[0];
        if (!Enabled)
            return model(latents, _context, [.. Enumerable.Repeat(false, (int)batch)]);
        using var scope = torch.NewDisposeScope();
        bool[] unconditional = [.. Enumerable.Range(0, 2 * (int)batch).Select(row => row < batch)];
        var prediction = model(torch.cat([latents, latents], dim: 0), _context, unconditional).chunk(2, dim: 0);
        var (uncond, cond) = (prediction[0], prediction[1]);
        return (uncond + (cond - uncond) * Scale).MoveToOuterDisposeScope();
    }

    /// <summary>One prompt's embeddings for every latent of the batch (num_images_per_prompt).</summary>
    private static Tensor Repeat(Conditioning conditioning, long batch)
    {
        var embeddings = conditioning.Entries[0].Embeddings;
        return embeddings.shape[0] == batch ? embeddings.alias() : embeddings.repeat(batch / embeddings.shape[0], 1, 1);
    }

    private static Tensor? RepeatPooled(Conditioning conditioning, long batch)
    {
        var pooled = conditioning.Entries[0].Pooled;
        return pooled is null ? null : pooled.shape[0] == batch ? pooled.alias() : pooled.repeat(batch / pooled.shape[0], 1);
    }

    public void Dispose()
    {
        _context.Dispose();
        Pooled?.Dispose();
    }
}
