using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers FeedForward with activation_fn "gelu-approximate" (models/attention.py): net.0 is GELU with its own
/// projection to four times the width (net.0.proj) and the tanh approximation, net.1 dropout (no weights), net.2 the
/// output projection; <c>bias</c> for both projections.
/// </summary>
public sealed class GeluFeedForward : Module
{
    private readonly Linear _proj, _output;

    public GeluFeedForward(int dim, bool bias = true, int multiplier = 4)
    {
        int inner = dim * multiplier;
        var gelu = new Projection(dim, inner, bias);
        _proj = gelu.Proj;
        _output = new Linear(inner, dim, bias);
        Register("net", new ModuleList<Module>(gelu, new Dropout(), _output));
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return _output.Forward(F.gelu(_proj.Forward(x), GeluApproximate.Tanh)).MoveToOuterDisposeScope();
    }

    /// <summary>diffusers' GELU module: the projection it applies before the activation.</summary>
    private sealed class Projection : Module
    {
        public Projection(int dimIn, int dimOut, bool bias) => Proj = Register("proj", new Linear(dimIn, dimOut, bias));

        public Linear Proj { get; }
    }

    /// <summary>A weightless slot that keeps net.2 at index 2.</summary>
    private sealed class Dropout : Module;
}
