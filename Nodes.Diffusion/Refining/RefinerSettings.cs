using System.Globalization;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Refining;

/// <summary>
/// The knobs of SANA-WM's chunk-causal refiner (refiner.py @ b9fd857, _refine_latents_ar): the first
/// <see cref="SinkFrames"/> latent frames are the attention sink (kept as they are); the rest are refined
/// <see cref="BlockSize"/> frames at a time, each attending to the sink and to at most <see cref="KvMaxFrames"/> − sink
/// frames of refined history; <see cref="Sigmas"/> is the Euler schedule (ending at 0); <see cref="Seed"/> seeds the one
/// generator every block's re-noise draws from; <see cref="Fps"/> places frames in time for RoPE.
/// </summary>
public sealed record RefinerSettings(int SinkFrames, int BlockSize, int KvMaxFrames, IReadOnlyList<float> Sigmas, double Fps, ulong Seed)
{
    /// <summary>SANA-WM's STAGE_2_DISTILLED_SIGMA_VALUES without the final 0, which the scheduler appends.</summary>
    public static IReadOnlyList<double> DistilledSigmas { get; } = [0.909375, 0.725, 0.421875];

    public int MaxHistoryFrames => KvMaxFrames - SinkFrames;

    public int Steps => Sigmas.Count - 1;

    public int BlockCount(long frames) => (int)((frames - SinkFrames + BlockSize - 1) / BlockSize);

    /// <summary>
    /// FlowMatchEulerDiscreteScheduler.set_timesteps(sigmas=...) with shift 1: the given σ in float32, then 0. A trailing 0
    /// in <paramref name="sigmas"/> is the one the scheduler appends; the others must fall strictly from at most 1 to above 0.
    /// </summary>
    public static float[] Schedule(IReadOnlyList<double> sigmas)
    {
        var steps = sigmas.Count > 0 && sigmas[^1] == 0 ? sigmas.Take(sigmas.Count - 1).ToList() : sigmas.ToList();
        if (steps.Count == 0)
            throw new ArgumentException("the schedule needs at least one σ above 0");
        for (var i = 0; i < steps.Count; i++)
        {
            if (!(steps[i] > 0 && steps[i] <= 1))
                throw new ArgumentException($"σ {Text(steps[i])} is outside (0, 1]");
            if (i > 0 && !(steps[i] < steps[i - 1]))
                throw new ArgumentException($"σ must fall from step to step ({Text(steps[i - 1])} then {Text(steps[i])})");
        }
        return [.. steps.Select(s => (float)s), 0f];
    }

    /// <summary>A comma-separated list of σ as the node's sigmas widget takes it ("0.909375, 0.725, 0.421875").</summary>
    public static IReadOnlyList<double> ParseSigmas(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(part =>
            double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw new ArgumentException($"'{part}' is not a number")).ToList();

    /// <summary>Refuses settings the loop cannot run on a video of <paramref name="frames"/> latent frames, naming the input.</summary>
    public void Check(long frames)
    {
        if (SinkFrames < 1)
            throw new InputException("sink_frames", SinkFrames, "the refiner needs at least one sink frame");
        if (BlockSize < 1)
            throw new InputException("block_size", BlockSize, "a block has at least one frame");
        if (KvMaxFrames <= SinkFrames)
            throw new InputException("kv_max_frames", KvMaxFrames, $"it counts the sink ({SinkFrames} frames) and at least one frame of history");
        if (frames <= SinkFrames)
            throw new InputException("latent", $"{frames} frames", $"no more frames than sink_frames = {SinkFrames}: nothing to refine");
        if (!(Fps > 0) || !double.IsFinite(Fps))
            throw new InputException("fps", Fps, "must be positive");
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
