using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.KDiffusion;

/// <summary>
/// k-diffusion's sample_lms (order 4): Adams–Bashforth in σ on the last few slopes, each weighted by the integral of its
/// Lagrange basis polynomial over the step. k-diffusion integrates with scipy's quad; the integrand is a polynomial of
/// degree ≤ 3, which 5-point Gauss–Legendre integrates exactly.
/// </summary>
public static class LinearMultistep
{
    private const int Order = 4;

    public static Tensor Sample(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        var slopes = new List<Tensor>();
        return StepLoop.Run(model, x, sigmas, run, (i, x, denoised) =>
        {
            slopes.Add(((x - denoised) / sigmas[i]).MoveToOuterDisposeScope());
            if (slopes.Count > Order)
                slopes.RemoveAt(0);
            if (sigmas[i + 1] == 0)
                return denoised;
            int order = Math.Min(i + 1, Order);
            var update = slopes[^1] * Coefficient(order, sigmas, i, 0);
            for (int j = 1; j < order; j++)
                update = update + slopes[^(j + 1)] * Coefficient(order, sigmas, i, j);
            return x + update;
        });
    }

    /// <summary>linear_multistep_coeff: ∫ over [σ_i, σ_{i+1}] of the basis polynomial that is 1 at σ_{i−j} and 0 at the other nodes.</summary>
    public static double Coefficient(int order, float[] t, int i, int j)
    {
        if (order - 1 > i)
            throw new ArgumentException($"Order {order} too high for step {i}.");
        double Basis(double tau)
        {
            double product = 1;
            for (int k = 0; k < order; k++)
                if (k != j)
                    product *= (tau - t[i - k]) / ((double)t[i - j] - t[i - k]);
            return product;
        }
        ReadOnlySpan<double> nodes = [0.0, -0.5384693101056831, 0.5384693101056831, -0.9061798459386640, 0.9061798459386640];
        ReadOnlySpan<double> weights = [0.5688888888888889, 0.4786286704993665, 0.4786286704993665, 0.2369268850561891, 0.2369268850561891];
        double a = t[i], b = t[i + 1];
        double half = 0.5 * (b - a), middle = 0.5 * (a + b), sum = 0;
        for (int n = 0; n < nodes.Length; n++)
            sum += weights[n] * Basis(middle + half * nodes[n]);
        return half * sum;
    }
}
