using Workflow.Nodes.Camera.Tests.Support;
using Xunit.Sdk;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>'exact' comparisons accept float64 cancellation residues near zero and nothing else.</summary>
public sealed class ExactComparisonTests
{
    [Fact]
    public void A_residue_where_upstream_has_zero_is_accepted()
    {
        Compare.ExactFloat32("pose", [7.1, 0.0, -1.0], [7.1, 1.2e-16, -1.0]);
        Compare.ExactFloat32("pose", [7.1, -3e-17, -1.0], [7.1, 0.0, -1.0]);
    }

    [Fact]
    public void One_ulp_away_from_a_non_zero_value_is_refused()
    {
        var oneUlpUp = (double)MathF.BitIncrement(0.25f);
        var error = Assert.Throws<XunitException>(() => Compare.ExactFloat32("pose", [7.1, 0.25], [7.1, oneUlpUp]));
        Assert.Contains("element [1]", error.Message);
    }

    [Fact]
    public void A_small_value_that_is_not_a_residue_of_the_tensor_is_refused()
    {
        // 1e-3 is far above a few float32 ulps of 1.0 (~2.4e-7): a real value, compared exactly.
        Assert.Throws<XunitException>(() => Compare.ExactFloat32("pose", [1.0, 1e-3], [1.0, 1.0001e-3]));
    }
}
