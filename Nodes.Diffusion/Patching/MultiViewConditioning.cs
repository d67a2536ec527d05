using Workflow.Nodes.Diffusion.Models.MultiView;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>Where ImageDream's reference slot lives in the sampler's latents (pixel mode).</summary>
public enum ReferenceSlotLayout
{
    /// <summary>The latents hold the views only; each call appends the slot to every sample and drops it from the prediction.</summary>
    AddedByModel,

    /// <summary>ImageDream's layout: the last latent of every sample is the slot (its content is replaced at every call; drop it after sampling).</summary>
    InLatent,
}

/// <summary>What the MultiViewUNet node gives a multi-view MODEL; the tensors are on the model's device and the patch owns them.</summary>
/// <param name="Cameras">[views, camera_dim]; the zero row of the reference slot is added by the patch.</param>
/// <param name="ImagePrompt">ImageDream's tokens, or null (MVDream).</param>
/// <param name="ReferenceLatents">Pixel mode: scaled latents [1 or one per conditional sample, C, h, w].</param>
/// <param name="ConcatLatents">
/// Extra input channels (a conditioning latent for a UNet whose conv_in is wider than the latent, as GAF's normal maps):
/// scaled latents [views or views × samples, C', h, w], concatenated after each view's latent at every call, the same
/// in both halves of guidance; the reference slot gets zeros.
/// </param>
/// <param name="TextContext">False: the text context is zeroed in both halves (a model trained without text).</param>
public sealed record MultiViewSettings(Tensor Cameras, ImagePromptTokens? ImagePrompt = null, Tensor? ReferenceLatents = null,
    ReferenceSlotLayout ReferenceSlot = ReferenceSlotLayout.AddedByModel, double IpWeight = 1.0, Tensor? ConcatLatents = null, bool TextContext = true);

/// <summary>ImageDream's image-prompt tokens (image_embed of the CLIP features) for the conditional and the unconditional rows.</summary>
/// <param name="Conditional">[images, ip_dim, context_dim]: one image for every sample, or one per conditional sample.</param>
/// <param name="Unconditional">[1, ip_dim, context_dim]: image_embed of all-zero features, as ImageDream's guidance does.</param>
public sealed record ImagePromptTokens(Tensor Conditional, Tensor Unconditional);

/// <summary>
/// What a multi-view network reads at every call of a sampler (MVDream's and ImageDream's cond dict): the views per
/// sample, their cameras (B·F, 16), ImageDream's image tokens and, in pixel mode, the clean reference latents and the
/// zero camera of the reference slot. Rows of the batch are samples of F views, view index fastest; the conditional and
/// unconditional halves of guidance share the cameras, and the unconditional half gets the zero-feature image tokens
/// and a zero reference latent (ImageDream's scripts). The samplers stay generic: they see one MODEL and a batch.
/// </summary>
public sealed class MultiViewConditioning : IModelPatch
{
    private readonly int _views;
    private readonly Tensor _cameras;
    private readonly ImagePromptTokens? _imagePrompt;
    private readonly Tensor? _referenceLatents, _concatLatents;
    private readonly MultiViewSettings _settings;

    public MultiViewConditioning(MultiViewSettings settings)
    {
        _settings = settings;
        _views = (int)settings.Cameras.shape[0];
        _cameras = settings.ReferenceLatents is null ? settings.Cameras : WithZeroRow(settings.Cameras);
        (_imagePrompt, _referenceLatents, _concatLatents) = (settings.ImagePrompt, settings.ReferenceLatents, settings.ConcatLatents);
    }

    /// <summary>Views per sample the network sees: the generated views, plus the reference slot in pixel mode.</summary>
    public int Frames => (int)_cameras.shape[0];

    public long HostBytes => TensorMemory.HostBytes(_cameras, _imagePrompt?.Conditional, _imagePrompt?.Unconditional, _referenceLatents, _concatLatents);

    public long DeviceBytes => TensorMemory.DeviceBytes(_cameras, _imagePrompt?.Conditional, _imagePrompt?.Unconditional, _referenceLatents, _concatLatents);

    /// <summary>It acts through the network's inputs, not by adding attention terms.</summary>
    public ICrossAttentionTerm? CrossAttentionTerm(int layer, UNetCall call) => null;

    /// <summary>One sampler call of <paramref name="network"/> with the cameras, image tokens and reference latents laid out for its batch.</summary>
    public Tensor Forward(MultiViewUNetModel network, Tensor sample, Tensor timestep, Tensor context, PatchedCall call)
    {
        using var scope = torch.NewDisposeScope();
        bool addsSlot = _referenceLatents is not null && _settings.ReferenceSlot == ReferenceSlotLayout.AddedByModel;
        var samples = Samples(sample.shape[0], addsSlot ? _views : Frames, call.Call.UnconditionalRows);
        if (addsSlot)
        {
            sample = ReferenceSlot.Append(sample, _views, torch.zeros([samples.Count, .. sample.shape[1..]], sample.dtype, sample.device));
            context = ReferenceSlot.Append(context, _views, FirstViews(context, _views));
            if (timestep.ndim > 0)
                timestep = ReferenceSlot.Append(timestep, _views, FirstViews(timestep, _views));
        }
        if (!_settings.TextContext)
            context = torch.zeros_like(context);
        if (_concatLatents is not null)
            sample = torch.cat([sample, ConcatRows(samples.Select(s => s.Index).ToList(), sample)], dim: 1);
        if (_imagePrompt is not null)
            context = torch.cat([context, PerSample(samples, _imagePrompt.Conditional, _imagePrompt.Unconditional).to(context.dtype).repeat_interleave(Frames, 0)], dim: 1);
        var references = _referenceLatents is null ? null : PerSample(samples, _referenceLatents, torch.zeros_like(_referenceLatents.narrow(0, 0, 1)));
        var inputs = new MultiViewInputs(_cameras.repeat(samples.Count, 1), Frames, references, _settings.IpWeight);
        var output = network.Forward(sample, timestep, context, inputs, patch: call);
        return (addsSlot ? ReferenceSlot.Remove(output, Frames) : output).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _cameras.Dispose();
        _imagePrompt?.Conditional.Dispose();
        _imagePrompt?.Unconditional.Dispose();
        _referenceLatents?.Dispose();
        _concatLatents?.Dispose();
    }

    /// <summary>Each sample of the batch: whether it is in the unconditional half, and its place among the samples of its half.</summary>
    private static List<(bool Unconditional, int Index)> Samples(long rows, int rowsPerSample, IReadOnlyList<bool> unconditionalRows)
    {
        if (rows % rowsPerSample != 0)
        {
            // Guidance doubles the batch; the user gave the sampler one half.
            int halves = unconditionalRows.Distinct().Count();
            throw new ArgumentException($"A batch of {rows / halves} latents is not a whole number of samples of {rowsPerSample} views: give the sampler num_views × samples latents.");
        }
        var samples = new List<(bool, int)>();
        var counts = new int[2];
        for (int start = 0; start < rows; start += rowsPerSample)
        {
            bool unconditional = unconditionalRows[start];
            if (Enumerable.Range(start, rowsPerSample).Any(row => unconditionalRows[row] != unconditional))
                throw new ArgumentException($"The guidance halves split the views of a sample (rows {start}..{start + rowsPerSample - 1}).");
            samples.Add((unconditional, counts[unconditional ? 1 : 0]++));
        }
        return samples;
    }

    /// <summary>One row per sample: <paramref name="unconditional"/> for the unconditional ones, else the sample's own row of <paramref name="conditional"/> (or its only row).</summary>
    private static Tensor PerSample(List<(bool Unconditional, int Index)> samples, Tensor conditional, Tensor unconditional)
    {
        long available = conditional.shape[0];
        int conditionalSamples = samples.Count(s => !s.Unconditional);
        if (available != 1 && available != conditionalSamples)
            throw new ArgumentException($"{available} reference images for {conditionalSamples} samples: give one, or one per sample.");
        return torch.cat([.. samples.Select(s => s.Unconditional ? unconditional : conditional.narrow(0, available == 1 ? 0 : s.Index, 1))], dim: 0);
    }

    /// <summary>
    /// Each sample's conditioning latents for its frames, [B·F, C', h, w]: the views' own (one set for all samples, or the
    /// sample's place in its half picks one), and zeros in the reference slot.
    /// </summary>
    private Tensor ConcatRows(List<int> sampleIndices, Tensor sample)
    {
        var latents = _concatLatents!;
        long sets = latents.shape[0] / _views;
        if (latents.shape[0] % _views != 0 || sets != 1 && sets < sampleIndices.Max() + 1)
            throw new ArgumentException($"{latents.shape[0]} conditioning latents for {sampleIndices.Count} samples of {_views} views: give num_views of them, or num_views × samples.");
        var perSample = sampleIndices.Select(index => latents.narrow(0, sets == 1 ? 0 : index * _views, _views));
        if (Frames > _views)
            perSample = perSample.Select(views => torch.cat([views, torch.zeros_like(views.narrow(0, 0, 1))], dim: 0));
        return torch.cat([.. perSample], dim: 0).to(sample.dtype);
    }

    /// <summary>The first view's row of every sample: [B·V, ...] → [B, ...].</summary>
    private static Tensor FirstViews(Tensor rows, int views) => rows.reshape([rows.shape[0] / views, views, .. rows.shape[1..]]).select(1, 0);

    /// <summary>The cameras and the reference slot's all-zero camera (get_camera(extra_view=True)); the input is disposed.</summary>
    private static Tensor WithZeroRow(Tensor cameras)
    {
        using var scope = torch.NewDisposeScope();
        var withZero = torch.cat([cameras, torch.zeros_like(cameras.narrow(0, 0, 1))], dim: 0).DetachFromDisposeScope();
        cameras.Dispose();
        return withZero;
    }
}
