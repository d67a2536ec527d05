using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Seeded random weights that keep activations in range through a deep network: matrices and kernels ~ N(0, 1/fan_in),
/// biases 0, one-dimensional scales (norm weights) 1. Not a trained model: for pipelines and benchmarks without downloads.
/// </summary>
public static class RandomWeights
{
    public static void Fill(Module module, Generator generator)
    {
        foreach (var (name, parameter) in module.named_parameters().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            using var scope = torch.NewDisposeScope();
            if (parameter.ndim >= 2)
            {
                long fanIn = parameter.numel() / parameter.shape[0];
                parameter.copy_(torch.randn(parameter.shape, generator) / Math.Sqrt(fanIn));
            }
            else
                parameter.fill_(name.EndsWith("bias", StringComparison.Ordinal) ? 0.0 : 1.0);
        }
    }
}
