using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.KDiffusion;

/// <summary>
/// UniPC (Zhao et al. 2023) as ComfyUI runs it (comfy/extra_samplers/uni_pc.py sample_unipc): the multistep
/// predictor–corrector of order ≤ 3 with B(h) = h (bh1) or eʰ − 1 (bh2), on x̂₀ predictions, in the variance-preserving
/// space of an ε model (α = 1/√(1+σ²), std = σα, λ = −log σ), with "time" t = σ. A final σ of 0 becomes 0.001
/// (<see cref="Timesteps"/>); the last step runs no corrector; the result is divided by α of the last time.
/// </summary>
public static class UniPc
{
    public enum Variant { Bh1, Bh2 }

    /// <summary>The times UniPC steps through: the σ, with a final 0 replaced by 0.001 (upstream writes this into the caller's σ tensor).</summary>
    public static float[] Timesteps(float[] sigmas) =>
        sigmas.Length > 0 && sigmas[^1] == 0 ? [.. sigmas[..^1], 0.001f] : [.. sigmas];

    public static Tensor Bh1(Denoiser model, Tensor x, float[] sigmas, SamplerRun run) => Sample(model, x, sigmas, run, Variant.Bh1);

    public static Tensor Bh2(Denoiser model, Tensor x, float[] sigmas, SamplerRun run) => Sample(model, x, sigmas, run, Variant.Bh2);

    public static Tensor Sample(Denoiser model, Tensor x, float[] sigmas, SamplerRun run, Variant variant)
    {
        var times = Timesteps(sigmas);
        using var scope = torch.NewDisposeScope();
        int steps = times.Length - 1, order = Math.Min(3, times.Length - 2);
        x = x / MathF.Sqrt(1f + times[0] * times[0]);
        var solver = new Solver(model, variant);
        var models = new List<Tensor>();
        var previousTimes = new List<float>();
        for (int index = 0; index < steps; index++)
        {
            using var step = torch.NewDisposeScope();
            if (index == 0)
            {
                models.Add(solver.DataPrediction(x, times[0]).MoveToOuterDisposeScope());
                previousTimes.Add(times[0]);
            }
            else if (index < order)
            {
                var (next, predicted) = solver.Update(x, models, previousTimes, times[index], index, useCorrector: true);
                x = next.MoveToOuterDisposeScope();
                models.Add((predicted ?? solver.DataPrediction(x, times[index])).MoveToOuterDisposeScope());
                previousTimes.Add(times[index]);
            }
            else
            {
                int last = index == steps - 1 ? index + 1 : index;
                for (int s = index; s <= last; s++)
                {
                    var (next, predicted) = solver.Update(x, models, previousTimes, times[s], Math.Min(order, steps + 1 - s), useCorrector: s != steps);
                    x = next.MoveToOuterDisposeScope();
                    for (int k = 0; k < order - 1; k++)
                        (previousTimes[k], models[k]) = (previousTimes[k + 1], models[k + 1]);
                    previousTimes[^1] = times[s];
                    if (s < steps)
                        models[^1] = (predicted ?? solver.DataPrediction(x, times[s])).MoveToOuterDisposeScope();
                }
            }
            run.Step(index, steps, x, models[^1]);
        }
        return (x / Schedule.Alpha(times[^1])).MoveToOuterDisposeScope();
    }

    /// <summary>ComfyUI's SigmaConvert: the VP schedule of an ε model in terms of σ, in float as upstream's float32 tensors.</summary>
    private static class Schedule
    {
        public static float LogAlpha(float sigma) => 0.5f * StepMath.Log(1f / (sigma * sigma + 1f));

        public static float Alpha(float sigma) => StepMath.Exp(LogAlpha(sigma));

        public static float Std(float sigma) => MathF.Sqrt(1f - StepMath.Exp(2f * LogAlpha(sigma)));

        public static float Lambda(float sigma)
        {
            float logAlpha = LogAlpha(sigma);
            return logAlpha - 0.5f * StepMath.Log(1f - StepMath.Exp(2f * logAlpha));
        }
    }

    private sealed class Solver(Denoiser model, Variant variant)
    {
        /// <summary>data_prediction_fn over predict_eps_sigma: the denoiser sees x back in σ-space; x̂₀ = (x − std·ε)/α.</summary>
        public Tensor DataPrediction(Tensor x, float t)
        {
            using var scope = torch.NewDisposeScope();
            var input = x * MathF.Sqrt(t * t + 1f);
            var epsilon = (input - model(input, t)) / t;
            return ((x - epsilon * Schedule.Std(t)) / Schedule.Alpha(t)).MoveToOuterDisposeScope();
        }

        /// <summary>multistep_uni_pc_bh_update with predict_x0: the predictor (UniP) to t, then the corrector (UniC) using the model at t.</summary>
        public (Tensor X, Tensor? ModelAtT) Update(Tensor x, List<Tensor> models, List<float> times, float t, int order, bool useCorrector)
        {
            float tPrevious = times[^1];
            var modelPrevious = models[^1];
            float lambdaPrevious = Schedule.Lambda(tPrevious), lambdaT = Schedule.Lambda(t);
            float h = lambdaT - lambdaPrevious, alphaT = Schedule.Alpha(t);

            var ratios = new List<double>();
            var differences = new List<Tensor>();
            for (int i = 1; i < order; i++)
            {
                float rk = (Schedule.Lambda(times[^(i + 1)]) - lambdaPrevious) / h;
                ratios.Add(rk);
                differences.Add((models[^(i + 1)] - modelPrevious) / rk);
            }
            ratios.Add(1.0);

            float hh = -h, hPhi1 = StepMath.Expm1(hh);
            double bH = variant == Variant.Bh1 ? hh : hPhi1;
            var rows = new double[order][];
            var b = new double[order];
            double hPhiK = (double)hPhi1 / hh - 1, factorial = 1;
            for (int i = 1; i <= order; i++)
            {
                rows[i - 1] = [.. ratios.Select(rk => Math.Pow(rk, i - 1))];
                b[i - 1] = hPhiK * factorial / bH;
                factorial *= i + 1;
                hPhiK = hPhiK / hh - 1 / factorial;
            }

            var baseline = x * (Schedule.Std(t) / Schedule.Std(tPrevious)) - modelPrevious * (alphaT * hPhi1);
            Tensor xT = baseline;
            if (differences.Count > 0)
            {
                double[] rhosP = order == 2 ? [0.5] : Solve(Minor(rows, order - 1), b[..(order - 1)]);
                xT = baseline - Combine(rhosP, differences) * (alphaT * bH);
            }
            if (!useCorrector)
                return (xT, null);
            var modelT = DataPrediction(xT, t);
            double[] rhosC = order == 1 ? [0.5] : Solve(rows, b);
            var correction = (modelT - modelPrevious) * rhosC[^1];
            if (differences.Count > 0)
                correction = Combine(rhosC[..^1], differences) + correction;
            return (baseline - correction * (alphaT * bH), modelT);
        }

        /// <summary>einsum('k,bkchw->bchw', ρ, D1s).</summary>
        private static Tensor Combine(double[] rhos, List<Tensor> differences)
        {
            var sum = differences[0] * rhos[0];
            for (int k = 1; k < differences.Count; k++)
                sum = sum + differences[k] * rhos[k];
            return sum;
        }

        private static double[][] Minor(double[][] rows, int size) => [.. rows.Take(size).Select(row => row[..size])];

        /// <summary>Gaussian elimination with partial pivoting (torch.linalg.solve on these ≤ 3×3 systems).</summary>
        private static double[] Solve(double[][] matrix, double[] rhs)
        {
            int n = rhs.Length;
            var a = matrix.Select(row => row.ToArray()).ToArray();
            var y = rhs.ToArray();
            for (int column = 0; column < n; column++)
            {
                int pivot = Enumerable.Range(column, n - column).MaxBy(r => Math.Abs(a[r][column]));
                (a[column], a[pivot]) = (a[pivot], a[column]);
                (y[column], y[pivot]) = (y[pivot], y[column]);
                for (int r = column + 1; r < n; r++)
                {
                    double factor = a[r][column] / a[column][column];
                    for (int c = column; c < n; c++)
                        a[r][c] -= factor * a[column][c];
                    y[r] -= factor * y[column];
                }
            }
            var solution = new double[n];
            for (int r = n - 1; r >= 0; r--)
            {
                double sum = y[r];
                for (int c = r + 1; c < n; c++)
                    sum -= a[r][c] * solution[c];
                solution[r] = sum / a[r][r];
            }
            return solution;
        }
    }
}
