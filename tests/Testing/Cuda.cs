using Workflow.Torch;

namespace Workflow.Testing;

/// <summary>
/// A fact that runs on a CUDA device and needs a golden fixture. Where libtorch sees no CUDA device (every CI machine,
/// a CPU build) it is reported as skipped with that reason; a missing fixture is handled as for <see cref="GoldenFactAttribute"/>.
/// </summary>
public sealed class GoldenCudaFactAttribute : FactAttribute
{
    public GoldenCudaFactAttribute(string fixture) =>
        Skip = torch.cuda.is_available() ? Golden.SkipReason(fixture) : $"no CUDA device (libtorch {torch.__version__} reports none)";
}
