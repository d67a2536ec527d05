using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.Conds;

/// <summary>
/// ComfyUI's calc_cond_batch (comfy/samplers.py): every entry that applies at σ is run, those of equal input shape and
/// compatible conds in one network call (the chunks in reverse order, so a plain [uncond, cond] batch as before); each
/// prediction is added to its prompt's output on its area, weighted by its mult, and each output is divided by the
/// summed weights (which start at 1e-37, so a part no entry covers comes out 0). A prompt given as null (the negative
/// when cfg is 1) is not run and comes out 0. Unlike ComfyUI, all compatible chunks go in one call whatever the free
/// memory.
/// </summary>
public static class CondBatch
{
    public static Tensor[] Calc(IReadOnlyList<IReadOnlyList<SamplingCond>?> conds, Tensor x, float sigma, Func<GuidanceBatch, Tensor> model)
    {
        using var scope = torch.NewDisposeScope();
        var outConds = conds.Select(_ => torch.zeros_like(x)).ToArray();
        var outCounts = conds.Select(_ => torch.ones_like(x) * 1e-37).ToArray();
        var toRun = new List<CondChunk>();
        for (int prompt = 0; prompt < conds.Count; prompt++)
            foreach (var cond in conds[prompt] ?? [])
                if (AreaAndMult.Of(cond, x, sigma, prompt) is { } chunk)
                    toRun.Add(chunk);
        while (toRun.Count > 0)
        {
            var first = toRun[0];
            var indices = Enumerable.Range(0, toRun.Count).Where(i => CanConcat(toRun[i], first)).Reverse().ToList();
            var batch = indices.Select(i => toRun[i]).ToList();
            indices.ForEach(toRun.RemoveAt);
            Accumulate(batch, RunBatch(batch, model), outConds, outCounts);
        }
        for (int prompt = 0; prompt < conds.Count; prompt++)
            outConds[prompt].div_(outCounts[prompt]);
        return [.. outConds.Select(o => o.MoveToOuterDisposeScope())];
    }

    private static Tensor[] RunBatch(List<CondChunk> batch, Func<GuidanceBatch, Tensor> model)
    {
        var input = torch.cat([.. batch.Select(c => c.InputX)], dim: 0);
        var context = CrossAttnConcat([.. batch.Select(c => c.Conds.CrossAttn)]);
        var pooled = batch[0].Conds.Pooled is null ? null : torch.cat([.. batch.Select(c => c.Conds.Pooled!)], dim: 0);
        long rows = batch[0].InputX.shape[0];
        bool[] unconditional = [.. batch.SelectMany(c => Enumerable.Repeat(c.Prompt == 1, (int)rows))];
        return model(new GuidanceBatch(input, context, pooled, unconditional)).chunk(batch.Count, dim: 0);
    }

    private static void Accumulate(List<CondChunk> batch, Tensor[] output, Tensor[] outConds, Tensor[] outCounts)
    {
        for (int o = 0; o < batch.Count; o++)
        {
            var (chunk, outC, outCts) = (batch[o], outConds[batch[o].Prompt], outCounts[batch[o].Prompt]);
            if (chunk.Area is { } a)
                (outC, outCts) = (outC.narrow(2, a.Y, a.Height).narrow(3, a.X, a.Width), outCts.narrow(2, a.Y, a.Height).narrow(3, a.X, a.Width));
            outC.add_(output[o] * chunk.Mult);
            outCts.add_(chunk.Mult);
        }
    }

    /// <summary>can_concat_cond: same input shape, the same conds present, pooled outputs of one shape, token counts that CrossAttnConcat can pad.</summary>
    private static bool CanConcat(CondChunk a, CondChunk b)
    {
        if (!a.InputX.shape.SequenceEqual(b.InputX.shape) || (a.Conds.Pooled is null) != (b.Conds.Pooled is null))
            return false;
        if (a.Conds.Pooled is { } pooled && !pooled.shape.SequenceEqual(b.Conds.Pooled!.shape))
            return false;
        long[] s1 = a.Conds.CrossAttn.shape, s2 = b.Conds.CrossAttn.shape;
        if (s1.SequenceEqual(s2))
            return true;
        // CONDCrossAttn.can_concat: "arbitrary limit on the padding because it's probably going to impact performance negatively if it's too much"
        return s1[0] == s2[0] && s1[2] == s2[2] && Lcm(s1[1], s2[1]) / Math.Min(s1[1], s2[1]) <= 4;
    }

    /// <summary>CONDCrossAttn.concat: token counts brought to their least common multiple by repeating the tokens (attention over repeated keys is unchanged), then one batch.</summary>
    private static Tensor CrossAttnConcat(List<Tensor> conds)
    {
        long length = conds.Aggregate(conds[0].shape[1], (l, c) => Lcm(l, c.shape[1]));
        return torch.cat([.. conds.Select(c => c.shape[1] < length ? c.repeat(1, length / c.shape[1], 1) : c)], dim: 0);
    }

    private static long Lcm(long a, long b) => a / Gcd(a, b) * b;

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}
