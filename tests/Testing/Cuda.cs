using Workflow.Torch;

namespace Workflow.Testing;

/// <summary>
/// A fact that runs on a CUDA device and needs a golden fixture. Where libtorch sees no CUDA device (every CI machine,
/// a CPU build) it is reported as skipped with that reason; a missing fixture is handled as for <see cref="GoldenFactAttribute"/>.
/// </summary>
public sealed class GoldenCudaFactAttribute : FactAttribute
{
    public GoldenCudaFactAttribute(string fixture) => Skip = Cuda.SkipReason ?? Golden.SkipReason(fixture);
}

/// <summary>A theory that runs on a CUDA device and needs a golden fixture (see <see cref="GoldenCudaFactAttribute"/>).</summary>
public sealed class GoldenCudaTheoryAttribute : TheoryAttribute
{
    public GoldenCudaTheoryAttribute(string fixture) => Skip = Cuda.SkipReason ?? Golden.SkipReason(fixture);
}

public static class Cuda
{
    /// <summary>Why a CUDA test must be skipped here, or null where libtorch has a CUDA device.</summary>
    public static string? SkipReason =>
        torch.cuda.is_available() ? null : $"no CUDA device (libtorch {torch.__version__} reports none)";
}

/// <summary>A fact that needs a CUDA device: reported as skipped, with the reason, where libtorch has none.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute() => Skip = Cuda.SkipReason;
}
