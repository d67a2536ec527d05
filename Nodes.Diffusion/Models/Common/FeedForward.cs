using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers FeedForward with activation_fn="geglu" (v0.27.2 models/attention.py): net.0 is GEGLU (a projection to
/// twice the inner width, halves multiplied as hidden · gelu(gate)), net.1 dropout (no weights), net.2 the output.
/// </summary>
public sealed class FeedForward : Module
{
    private readonly Geglu _geglu;
    private readonly Linear _output;

    public FeedForward(int dim, int multiplier = 4)
    {
        int inner = dim * multiplier;
        _geglu = new Geglu(dim, inner);
        _output = new Linear(inner, dim);
        Register("net", new ModuleList<Module>(_geglu, new Dropout(), _output));
    }

    public Tensor Forward(Tensor x)
    {
        using var hidden = _geglu.Forward(x);
        return _output.Forward(hidden);
    }

    /// <summary>GEGLU: proj to twice the width, then hidden · gelu(gate).</summary>
    private sealed class Geglu : Module
    {
        private readonly Linear _proj;

        public Geglu(int dimIn, int dimOut) => _proj = Register("proj", new Linear(dimIn, dimOut * 2));

        public Tensor Forward(Tensor x)
        {
            using var scope = torch.NewDisposeScope();
            var halves = _proj.Forward(x).chunk(2, dim: -1);
            return (halves[0] * F.gelu(halves[1])).MoveToOuterDisposeScope();
        }
    }

    /// <summary>A weightless slot that keeps net.2 at index 2.</summary>
    private sealed class Dropout : Module;
}
