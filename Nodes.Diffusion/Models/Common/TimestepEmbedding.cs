using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers Timesteps / get_timestep_embedding (v0.27.2 models/embeddings.py): sinusoidal features of the timestep,
/// exponents -ln(max_period)·i/(half − shift) computed in float32 as upstream, halves swapped when flip_sin_to_cos.
/// </summary>
public sealed record Timesteps(int NumChannels, bool FlipSinToCos, double DownscaleFreqShift, double Scale = 1, double MaxPeriod = 10000)
{
    public Tensor Forward(Tensor timesteps)
    {
        using var scope = torch.NewDisposeScope();
        int half = NumChannels / 2;
        var exponent = torch.arange(0, half, dtype: torch.float32, device: timesteps.device) * -Math.Log(MaxPeriod);
        exponent = exponent / (half - DownscaleFreqShift);
        var emb = timesteps.unsqueeze(1).@float() * torch.exp(exponent).unsqueeze(0);
        if (Scale != 1)
            emb = emb * Scale;
        emb = FlipSinToCos ? torch.cat([torch.cos(emb), torch.sin(emb)], dim: -1) : torch.cat([torch.sin(emb), torch.cos(emb)], dim: -1);
        if (NumChannels % 2 == 1)
            emb = F.pad(emb, [0, 1, 0, 0]);
        return emb.MoveToOuterDisposeScope();
    }
}

/// <summary>diffusers TimestepEmbedding: linear_1 → SiLU → linear_2.</summary>
public sealed class TimestepEmbedding : Module
{
    private readonly Linear _linear1, _linear2;

    public TimestepEmbedding(int inChannels, int timeEmbedDim)
    {
        _linear1 = Register("linear_1", new Linear(inChannels, timeEmbedDim));
        _linear2 = Register("linear_2", new Linear(timeEmbedDim, timeEmbedDim));
    }

    public Tensor Forward(Tensor sample)
    {
        using var hidden = _linear1.Forward(sample);
        using var activated = F.silu(hidden);
        return _linear2.Forward(activated);
    }
}
