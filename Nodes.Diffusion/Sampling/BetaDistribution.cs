namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// The Beta(α, β) distribution's quantile function (scipy.stats.beta.ppf), for ComfyUI's beta scheduler: the regularized
/// incomplete beta function by its continued fraction (Numerical Recipes' betacf, modified Lentz), inverted by bisection
/// to double precision. The scheduler rounds the quantiles to whole timesteps, so any accurate inverse gives its result.
/// </summary>
public static class BetaDistribution
{
    public static double Quantile(double p, double alpha, double beta)
    {
        if (p <= 0)
            return 0;
        if (p >= 1)
            return 1;
        double low = 0, high = 1;
        for (int i = 0; i < 200 && high - low > 0; i++)
        {
            double middle = 0.5 * (low + high);
            if (middle <= low || middle >= high)
                break;
            if (RegularizedIncompleteBeta(middle, alpha, beta) < p)
                low = middle;
            else
                high = middle;
        }
        return 0.5 * (low + high);
    }

    /// <summary>I_x(α, β), using the symmetry I_x(α, β) = 1 − I_{1−x}(β, α) where the continued fraction converges slowly.</summary>
    public static double RegularizedIncompleteBeta(double x, double alpha, double beta)
    {
        if (x <= 0)
            return 0;
        if (x >= 1)
            return 1;
        double logFront = LogGamma(alpha + beta) - LogGamma(alpha) - LogGamma(beta) + alpha * Math.Log(x) + beta * Math.Log(1 - x);
        return x < (alpha + 1) / (alpha + beta + 2)
            ? Math.Exp(logFront) * ContinuedFraction(x, alpha, beta) / alpha
            : 1 - Math.Exp(logFront) * ContinuedFraction(1 - x, beta, alpha) / beta;
    }

    private static double ContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 10_000; m++)
        {
            int m2 = 2 * m;
            double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            (c, d) = Step(c, d, even);
            h *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            (c, d) = Step(c, d, odd);
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
                break;
        }
        return h;

        static (double C, double D) Step(double c, double d, double coefficient)
        {
            d = 1 + coefficient * d;
            c = 1 + coefficient / c;
            return (Math.Abs(c) < tiny ? tiny : c, 1 / (Math.Abs(d) < tiny ? tiny : d));
        }
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, nine terms: about 15 significant digits).</summary>
    private static double LogGamma(double x)
    {
        ReadOnlySpan<double> coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        double sum = coefficients[0];
        for (int i = 1; i < coefficients.Length; i++)
            sum += coefficients[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
