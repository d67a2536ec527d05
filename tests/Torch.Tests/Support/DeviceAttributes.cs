using System.Reflection;
using Workflow.Testing;
using Xunit.Sdk;

namespace Workflow.Torch.Tests.Support;

/// <summary>
/// One test body, many devices (candle's test_device!): a theory taking <c>string device</c> gets a row per
/// attribute. <c>[Theory, OnCpu, OnCuda]</c>.
/// </summary>
public sealed class OnCpuAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [["cpu"]];
}

/// <summary>The CUDA row: reported as skipped, with the reason, where no CUDA device is available; never silently passed.</summary>
public sealed class OnCudaAttribute : DataAttribute
{
    public OnCudaAttribute() => Skip = Cuda.SkipReason;

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [["cuda:0"]];
}
