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

/// <summary>
/// diffusers TimestepEmbedding: linear_1 → act → linear_2, then the optional post activation. With cond_proj_dim a
/// condition (the latent upscaler's noise-level code and pooled prompt) is projected without bias and added to the
/// sample before linear_1.
/// </summary>
public sealed class TimestepEmbedding : Module
{
    private readonly Linear _linear1, _linear2;
    private readonly Linear? _condProj;
    private readonly Func<Tensor, Tensor> _act;
    private readonly Func<Tensor, Tensor>? _postAct;

    public TimestepEmbedding(int inChannels, int timeEmbedDim, string actFn = "silu", int? condProjDim = null, string? postActFn = null)
    {
        _linear1 = Register("linear_1", new Linear(inChannels, timeEmbedDim));
        if (condProjDim is int condition)
            _condProj = Register("cond_proj", new Linear(condition, inChannels, bias: false));
        _linear2 = Register("linear_2", new Linear(timeEmbedDim, timeEmbedDim));
        _act = Activations.Get(actFn, "act_fn");
        _postAct = postActFn is null ? null : Activations.Get(postActFn, "timestep_post_act");
    }

    public Tensor Forward(Tensor sample, Tensor? condition = null)
    {
        using var scope = torch.NewDisposeScope();
        if (condition is not null)
            sample = sample + (_condProj ?? throw new ArgumentException("This time embedding has no cond_proj: it takes no condition.", nameof(condition))).Forward(condition);
        var hidden = _linear2.Forward(_act(_linear1.Forward(sample)));
        return (_postAct?.Invoke(hidden) ?? hidden).MoveToOuterDisposeScope();
    }
}
