using Workflow.Nodes.Diffusion.Models.Ltx2;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Refining;

/// <summary>The refiner's inputs, on the transformer's device and in its dtype: stage-1 latents [B, C, T, H, W], the prompt [B, L, D] and its mask [B, L] (or none).</summary>
public sealed record RefinerInputs(Tensor Latents, Tensor PromptEmbeds, Tensor? PromptMask);

/// <summary>What watches a run: intermediates, progress (value, max), each finished block's state (to save it), and cancellation.</summary>
public sealed record RefinerHooks(IRefinerObserver? Observer = null, Action<long, long>? Progress = null, Action<RefinerState>? BlockFinished = null,
    CancellationToken Cancellation = default);

/// <summary>
/// SANA-WM's chunk-causal AR refiner (diffusers PR #13881 @ b9fd857, pipelines/sana_wm/refiner.py, _refine_latents_ar
/// and RefinerChunkRunner; ../shared/notes/sana_wm.md §5). The sink frames' keys and values are captured once at σ = 0
/// before RoPE and never refined. Each block of frames is re-noised to σ₀ from the shared generator (SDEdit), then
/// denoised in the schedule's Euler steps, each a forward on the block alone whose self-attention also sees the sink
/// (rotated to sit just before the history) and the history; a last forward at σ = 0 hands back the refined block's
/// keys after RoPE, which join the history, trimmed to kv_max_frames − sink frames. Memory is bounded by that window
/// however long the video is. Progress counts the sink capture and, per block, each step and the capture.
/// </summary>
public sealed class ArRefiner(LTX2VideoTransformer3DModel transformer, RefinerSettings settings)
{
    private readonly float[] _sigmas = [.. settings.Sigmas];

    public RefinerSettings Settings => settings;

    public long ProgressTotal(long frames) => 1 + (long)settings.BlockCount(frames) * (settings.Steps + 1);

    /// <summary>A new run's state: the output starts as the latents, the sink is captured, the generator seeded.</summary>
    public RefinerState Start(RefinerInputs inputs, RefinerHooks hooks)
    {
        hooks.Cancellation.ThrowIfCancellationRequested();
        using var scope = torch.NewDisposeScope();
        var sinkFrames = Enumerable.Range(0, settings.SinkFrames).ToArray();
        using var rope = Rope(inputs, sinkFrames);
        hooks.Observer?.Record("block0.rope_sink_capture.cos", rope.Cos);
        hooks.Observer?.Record("block0.rope_sink_capture.sin", rope.Sin);
        var sink = inputs.Latents.slice(2, 0, settings.SinkFrames).contiguous();
        var captured = Forward(inputs, sink, 0, rope, new SelfAttentionWindow(null, KeyCapture.BeforeRope)).Captured;
        for (var layer = 0; layer < captured.Count; layer++)
        {
            hooks.Observer?.Record($"sink.layer{layer}.k_pre_rope", captured[layer].Key);
            hooks.Observer?.Record($"sink.layer{layer}.v", captured[layer].Value);
        }
        var state = new RefinerState(inputs.Latents.clone().DetachFromDisposeScope(), [.. captured.Select(Detached)], SeededNoise.Generator(settings.Seed));
        hooks.Progress?.Invoke(1, ProgressTotal(inputs.Latents.shape[2]));
        return state;
    }

    /// <summary>Refines the blocks <paramref name="state"/> has not done yet; its output is then the refined video.</summary>
    public void Continue(RefinerInputs inputs, RefinerState state, RefinerHooks hooks)
    {
        long frames = inputs.Latents.shape[2];
        for (var block = state.BlocksDone; block < settings.BlockCount(frames); block++)
        {
            RefineBlock(inputs, state, block, hooks);
            hooks.BlockFinished?.Invoke(state);
            hooks.Progress?.Invoke(1 + (long)(block + 1) * (settings.Steps + 1), ProgressTotal(frames));
        }
        hooks.Observer?.Record("output", state.Output);
    }

    private void RefineBlock(RefinerInputs inputs, RefinerState state, int block, RefinerHooks hooks)
    {
        using var scope = torch.NewDisposeScope();
        int start = settings.SinkFrames + block * settings.BlockSize;
        int end = (int)Math.Min(start + settings.BlockSize, inputs.Latents.shape[2]);
        var frames = Enumerable.Range(start, end - start).ToArray();
        var observer = hooks.Observer;

        // 1. Slide the sink so it sits just before the history window.
        int sinkOffset = start - state.HistoryFrames - settings.SinkFrames;
        using var sinkRope = Rope(inputs, [.. Enumerable.Range(sinkOffset, settings.SinkFrames)]);
        using var activeRope = Rope(inputs, frames);
        observer?.Record($"block{block}.rope_sink_shifted.cos", sinkRope.Cos);
        observer?.Record($"block{block}.rope_sink_shifted.sin", sinkRope.Sin);
        observer?.Record($"block{block}.rope_active.cos", activeRope.Cos);
        observer?.Record($"block{block}.rope_active.sin", activeRope.Sin);

        // 2. The per-layer prefix ("rf_shifted_sink").
        var prefixes = state.Sink.Select((sink, layer) =>
            new KvPrefix(sink.Key, sink.Value, sinkRope, state.History?[layer].Key, state.History?[layer].Value)).ToList();

        // 3. Re-noise the stage-1 block to σ₀: one draw per block from the shared generator.
        var clean = inputs.Latents.slice(2, start, end);
        var dtype = inputs.Latents.dtype;
        var eps = torch.randn(clean.shape, state.Generator, dtype).to(clean.device);
        observer?.Record($"block{block}.eps", eps);
        double sigmaMax = _sigmas[0];
        var x = ((1.0 - sigmaMax) * clean.@float() + sigmaMax * eps.@float()).to(dtype);

        // 4. Euler steps on the active block.
        for (var step = 0; step < settings.Steps; step++)
        {
            hooks.Cancellation.ThrowIfCancellationRequested();
            x = EulerStep(inputs, x, step, activeRope, prefixes, $"block{block}.step{step}", observer);
            hooks.Progress?.Invoke(1 + (long)block * (settings.Steps + 1) + step + 1, ProgressTotal(inputs.Latents.shape[2]));
        }
        hooks.Cancellation.ThrowIfCancellationRequested();

        // 5.–7. Capture the refined block's keys after RoPE under the same prefix; append to the history; trim it.
        var captured = Forward(inputs, x, 0, activeRope, new SelfAttentionWindow(prefixes, KeyCapture.AfterRope)).Captured;
        int historyBefore = state.HistoryFrames, historyFrames = historyBefore + frames.Length;
        long keepTokens = (long)Math.Min(historyFrames, settings.MaxHistoryFrames) * TokensPerFrame(inputs);
        var history = captured.Select((kv, layer) => Appended(state.History?[layer], kv, keepTokens)).ToList();
        RecordCapture(observer, block, captured, history);

        // 8. The refined block goes into the output.
        state.Output.slice(2, start, end).copy_(x);
        observer?.Record($"block{block}.refined", x);
        state.FinishBlock(history, Math.Min(historyFrames, settings.MaxHistoryFrames));
        observer?.BlockDone(new RefinedBlock(block, start, end, historyBefore, state.HistoryFrames, sinkOffset));
    }

    /// <summary>One Euler step from σ_i to σ_{i+1}: x₀ = x − σ·v, velocity (x − x₀)/σ, x + (σ_next − σ)·velocity, in float32.</summary>
    private Tensor EulerStep(RefinerInputs inputs, Tensor x, int step, RotaryEmbedding rope, IReadOnlyList<KvPrefix> prefixes, string name, IRefinerObserver? observer)
    {
        float sigma = _sigmas[step], sigmaNext = _sigmas[step + 1];
        var dtype = x.dtype;
        var tokens = LatentPacking.Pack(x, transformer.Config.PatchSize, transformer.Config.PatchSizeT);
        var velocityPrediction = Forward(inputs, x, sigma, rope, new SelfAttentionWindow(prefixes, KeyCapture.None)).Sample;
        var denoised = tokens.@float() - velocityPrediction.@float() * sigma;
        var predX0 = LatentPacking.Unpack(denoised.to(dtype), x.shape[2], x.shape[3], x.shape[4], transformer.Config.PatchSize, transformer.Config.PatchSizeT);
        var velocity = (x.@float() - predX0.@float()) / sigma;
        // FlowMatchEulerDiscreteScheduler.step: dt is the difference of the two float32 σ.
        var next = (x.@float() + velocity * (sigmaNext - sigma)).to(dtype);
        observer?.Record(name + ".x_t", x);
        observer?.Record(name + ".pred_x0", predX0);
        observer?.Record(name + ".velocity", velocity);
        observer?.Record(name + ".x_next", next);
        return next;
    }

    /// <summary>The transformer on latent frames <paramref name="latents"/> at one σ for every token (timestep σ·multiplier).</summary>
    private LTX2Output Forward(RefinerInputs inputs, Tensor latents, double sigma, RotaryEmbedding rope, SelfAttentionWindow window)
    {
        var tokens = LatentPacking.Pack(latents, transformer.Config.PatchSize, transformer.Config.PatchSizeT);
        var timestep = torch.full([tokens.shape[0], 1], sigma * transformer.Config.TimestepScaleMultiplier, torch.float32, tokens.device);
        return transformer.Forward(tokens, inputs.PromptEmbeds, timestep, inputs.PromptMask, rope, window);
    }

    private RotaryEmbedding Rope(RefinerInputs inputs, IReadOnlyList<int> frames)
    {
        var shape = inputs.Latents.shape;
        return transformer.Rope.ForFrames((int)shape[0], frames, shape[3], shape[4], settings.Fps, inputs.Latents.device);
    }

    private long TokensPerFrame(RefinerInputs inputs) =>
        inputs.Latents.shape[3] / transformer.Config.PatchSize * (inputs.Latents.shape[4] / transformer.Config.PatchSize) / transformer.Config.PatchSizeT;

    /// <summary>[history; block] along the tokens, keeping the last <paramref name="keepTokens"/>; detached, for the state to own.</summary>
    private static CapturedKv Appended(CapturedKv? history, CapturedKv block, long keepTokens)
    {
        var key = history is null ? block.Key : torch.cat([history.Key, block.Key], dim: 1);
        var value = history is null ? block.Value : torch.cat([history.Value, block.Value], dim: 1);
        long drop = key.shape[1] - keepTokens;
        return Detached(new CapturedKv(key.slice(1, drop).contiguous(), value.slice(1, drop).contiguous()));
    }

    private static void RecordCapture(IRefinerObserver? observer, int block, IReadOnlyList<CapturedKv> captured, IReadOnlyList<CapturedKv> history)
    {
        if (observer is null)
            return;
        for (var layer = 0; layer < captured.Count; layer++)
        {
            observer.Record($"block{block}.layer{layer}.k_post_rope", captured[layer].Key);
            observer.Record($"block{block}.layer{layer}.v_post", captured[layer].Value);
            observer.Record($"block{block}.layer{layer}.history_k", history[layer].Key);
            observer.Record($"block{block}.layer{layer}.history_v", history[layer].Value);
        }
    }

    private static CapturedKv Detached(CapturedKv kv) => new(kv.Key.DetachFromDisposeScope(), kv.Value.DetachFromDisposeScope());
}
