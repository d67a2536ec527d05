using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// diffusers LTX2VideoResnetBlock3d (autoencoder_kl_ltx2.py) for a block that keeps its width, dropout 0, no noise
/// injection: RMS norm → (timestep scale/shift) → SiLU → causal conv, twice, plus the input. With timestep conditioning
/// a learnt scale_shift_table [4, C] is added to the block's embedding (B, 4C) and split into shift₁, scale₁, shift₂,
/// scale₂, applied as h · (1 + scale) + shift after each norm.
/// </summary>
internal sealed class LTX2VideoResnetBlock3d : Module
{
    private readonly LTX2VideoCausalConv3d _conv1, _conv2;
    private readonly Tensor? _scaleShiftTable;

    public LTX2VideoResnetBlock3d(int channels, bool timestepConditioning, SpatialPaddingMode paddingMode)
    {
        _conv1 = Register("conv1", new LTX2VideoCausalConv3d(channels, channels, paddingMode));
        _conv2 = Register("conv2", new LTX2VideoCausalConv3d(channels, channels, paddingMode));
        if (timestepConditioning)
            _scaleShiftTable = Parameter("scale_shift_table", 4, channels);
    }

    /// <param name="inputs">[B, C, T, H, W].</param>
    /// <param name="temb">The block's timestep embedding [B, 4C, 1, 1, 1] when conditioned, else null.</param>
    public Tensor Forward(Tensor inputs, Tensor? temb, bool causal)
    {
        using var scope = torch.NewDisposeScope();
        var modulation = Modulation(temb);
        var hiddenStates = PerChannelRMSNorm.Forward(inputs);
        if (modulation is { } m1)
            hiddenStates = hiddenStates * (m1[1] + 1) + m1[0];
        hiddenStates = _conv1.Forward(F.silu(hiddenStates), causal);
        hiddenStates = PerChannelRMSNorm.Forward(hiddenStates);
        if (modulation is { } m2)
            hiddenStates = hiddenStates * (m2[3] + 1) + m2[2];
        hiddenStates = _conv2.Forward(F.silu(hiddenStates), causal);
        return (hiddenStates + inputs).MoveToOuterDisposeScope();
    }

    /// <summary>shift₁, scale₁, shift₂, scale₂, each [B, C, 1, 1, 1]; null without timestep conditioning.</summary>
    private Tensor[]? Modulation(Tensor? temb)
    {
        if (_scaleShiftTable is null)
            return null;
        if (temb is null)
            throw new ArgumentException("This VAE decoder is timestep-conditioned: decoding needs a timestep.", nameof(temb));
        var table = _scaleShiftTable.unsqueeze(0).unsqueeze(-1).unsqueeze(-1).unsqueeze(-1);
        return (temb.unflatten(1, 4, -1) + table).unbind(1);
    }
}
