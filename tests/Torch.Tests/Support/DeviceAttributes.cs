using System.Reflection;
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
    public OnCudaAttribute()
    {
        if (!torch.cuda.is_available())
            Skip = "no CUDA device (libtorch " + torch.__version__ + " reports none)";
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [["cuda:0"]];
}
