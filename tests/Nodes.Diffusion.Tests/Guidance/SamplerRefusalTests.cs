using Workflow.Nodes.Diffusion.Nodes;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using static Workflow.Nodes.Diffusion.Tests.Guidance.ToyGuidance;

namespace Workflow.Nodes.Diffusion.Tests.Guidance;

/// <summary>The samplers that take one plain prompt refuse combined or area conditioning naming the input, before any work.</summary>
public sealed class SamplerRefusalTests
{
    [Fact]
    public void DDIMSample_refuses_combined_and_area_conditioning_naming_the_input()
    {
        using var plain = new Conditioning([Entry(1)]);
        using var combined = new Conditioning([Entry(1), Entry(2)]);
        using var area = new Conditioning([Entry(1) with { Area = new LatentArea(8, 8, 0, 0) }]);
        string none = Path.Combine(Path.GetTempPath(), "unused");
        var context = new TestNodeContext(new NodePaths(none, none, none, none));

        var many = Assert.Throws<InputException>(() => new DdimSample().Execute(context, null!, combined, plain, null!));
        var boxed = Assert.Throws<InputException>(() => new DdimSample().Execute(context, null!, plain, area, null!));

        Assert.Equal(("positive", "negative"), (many.InputName, boxed.InputName));
        Assert.Contains("KSampler", boxed.Message);
    }
}
