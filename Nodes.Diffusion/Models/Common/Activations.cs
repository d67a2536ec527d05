using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers' get_activation (v0.27.2 models/activations.py): the activations its configs name by string
/// (act_fn, timestep_post_act). GELU is the exact (erf) form, as nn.GELU().
/// </summary>
public static class Activations
{
    /// <summary>The function named <paramref name="name"/>; an unknown name is refused naming <paramref name="key"/>.</summary>
    public static Func<Tensor, Tensor> Get(string name, string key) => name switch
    {
        "silu" or "swish" => x => F.silu(x),
        "gelu" => x => F.gelu(x),
        "relu" => F.relu,
        _ => throw new NotSupportedException($"{key} = {name} is not supported (silu, swish, gelu or relu)."),
    };
}
