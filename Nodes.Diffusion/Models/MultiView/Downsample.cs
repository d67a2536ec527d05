using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.MultiView;

/// <summary>LDM's Downsample with use_conv (openaimodel.py): a stride-2 3x3 conv with padding 1, under the key <c>op</c>.</summary>
public sealed class Downsample : Module
{
    private readonly Conv2d _op;

    public Downsample(int channels) => _op = Register("op", new Conv2d(channels, channels, kernel_size: 3, stride: 2, padding: 1));

    public Tensor Forward(Tensor x) => _op.Forward(x);
}
