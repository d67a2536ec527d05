using Workflow.Nodes.Diffusion.Resizing;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.Conds;

/// <summary>
/// ComfyUI's process_conds (comfy/samplers.py) for CONDITIONING entries: areas resolved to latent cells
/// (resolve_areas_and_cond_masks_multidim: fractions Python-rounded, masks resized bilinearly to the latent and, for
/// "mask bounds", the area set to the mask's box), step ranges to σ (calculate_start_end_timesteps through
/// percent_to_sigma), the model conds moved to the device, and for every entry with an area, one with the same area
/// added to the other prompt when it has none (create_cond_with_same_area_if_none), so both halves of guidance weigh
/// that part of the latent alike.
/// </summary>
public static class CondPreparation
{
    public static SamplingConds Prepare(Conditioning positive, Conditioning negative, CondSetup setup)
    {
        var owned = new List<Tensor>();
        try
        {
            var conds = new[] { Resolve(positive, "positive", setup, owned), Resolve(negative, "negative", setup, owned) };
            foreach (var (prompt, other) in new[] { (0, 1), (1, 0) })
                for (int i = 0; i < conds[prompt].Count; i++)
                    SameAreaIfNone(conds[other], conds[prompt][i]);
            return new SamplingConds(conds[0], conds[1], owned);
        }
        catch
        {
            owned.ForEach(tensor => tensor.Dispose());
            throw;
        }
    }

    private static List<SamplingCond> Resolve(Conditioning conditioning, string input, CondSetup setup, List<Tensor> owned) =>
        [.. conditioning.Entries.Select(entry => Resolve(entry, input, setup, owned))];

    private static SamplingCond Resolve(ConditioningEntry entry, string input, CondSetup setup, List<Tensor> owned)
    {
        if ((entry.Area is not null || entry.Mask is not null) && setup.LatentShape.Length != 4)
            throw new InputException(input, "a conditioning with an area or mask", $"areas and masks apply to image latents [B, C, H, W]; this latent is [{string.Join(", ", setup.LatentShape)}]");
        var crossAttn = Own(entry.Embeddings.to(setup.Device), owned);
        var pooled = setup.TakesPooled && entry.Pooled is not null ? Own(entry.Pooled.to(setup.Device), owned) : null;
        var area = entry.Area is null ? null : Cells(entry.Area, setup.LatentShape);
        var mask = entry.Mask is null ? null : Own(LatentMask(entry.Mask, input, setup), owned);
        if (mask is not null && entry.SetAreaToBounds)
            area = MaskBounds.Of(mask);
        if (area is not null)
            CheckInside(area, input, setup.LatentShape);
        return new SamplingCond(new ModelConds(crossAttn, pooled), area, entry.Strength, mask, entry.MaskStrength,
            Sigma(entry.StartPercent, setup.Sampling), Sigma(entry.EndPercent, setup.Sampling));
    }

    private static Tensor Own(Tensor tensor, List<Tensor> owned)
    {
        owned.Add(tensor);
        return tensor;
    }

    /// <summary>A percentage area in latent cells: max(1, round(h·H)), max(1, round(w·W)), round(y·H), round(x·W), rounded half to even as Python.</summary>
    private static LatentArea Cells(ConditioningArea area, long[] shape) => area switch
    {
        LatentArea cells => cells,
        FractionalArea f => new LatentArea(Math.Max(1, Round(f.Height * shape[2])), Math.Max(1, Round(f.Width * shape[3])), Round(f.Y * shape[2]), Round(f.X * shape[3])),
        _ => throw new NotSupportedException($"conditioning area {area}"),
    };

    private static int Round(double value) => (int)Math.Round(value, MidpointRounding.ToEven);

    /// <summary>The mask on the device as [B, H, W] at the latent's size (bilinear, as common_upscale).</summary>
    private static Tensor LatentMask(Tensor mask, string input, CondSetup setup)
    {
        using var scope = torch.NewDisposeScope();
        long height = setup.LatentShape[2], width = setup.LatentShape[3], batch = setup.LatentShape[0];
        var m = mask.to(setup.Device, torch.float32);
        if (m.ndim == 2)
            m = m.unsqueeze(0);
        long masks = Math.Min(m.shape[0], batch);
        if (batch % masks != 0)
            throw new InputException(input, $"a mask batch of {m.shape[0]}", $"the latent batch of {batch} is not a whole number of it");
        if (m.shape[1] != height || m.shape[2] != width)
            m = CommonUpscale.Resize(m.unsqueeze(1), width, height, UpscaleMethod.Bilinear, CropMethod.Disabled).squeeze(1);
        return m.DetachFromDisposeScope();
    }

    /// <summary>ComfyUI narrows the latent to the area, which fails for a box that starts outside it; say so instead.</summary>
    private static void CheckInside(LatentArea area, string input, long[] shape)
    {
        if (area.Y >= shape[2] || area.X >= shape[3])
            throw new InputException(input, $"an area at x={area.X * 8}, y={area.Y * 8} (pixels)",
                $"it starts outside the {shape[3] * 8}x{shape[2] * 8} image being sampled");
    }

    private static float? Sigma(double? percent, IModelSampling sampling) => percent is double p ? (float)sampling.PercentToSigma(p) : null;

    /// <summary>create_cond_with_same_area_if_none: the smallest entry of <paramref name="conds"/> holding c's area lends its model conds to a copy of c.</summary>
    private static void SameAreaIfNone(List<SamplingCond> conds, SamplingCond c)
    {
        if (c.Area is not { } area)
            return;
        SamplingCond? smallest = null;
        foreach (var x in conds)
        {
            if (x.Area is { } a)
            {
                if (Inside(area, a) && (smallest?.Area is not { } s || (long)s.Height * s.Width > (long)a.Height * a.Width))
                    smallest = x;
            }
            else
                smallest ??= x;
        }
        if (smallest is null || smallest.Area == area)
            return;
        conds.Add(c with { Model = smallest.Model });
    }

    private static bool Inside(LatentArea a, LatentArea container) =>
        a.Y >= container.Y && a.X >= container.X && a.Y + a.Height <= container.Y + container.Height && a.X + a.Width <= container.X + container.Width;
}
