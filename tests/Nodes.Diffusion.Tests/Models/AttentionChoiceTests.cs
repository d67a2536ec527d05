using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>
/// Fused scaled-dot-product attention is chosen by the query's device: CUDA takes it where libtorch has the fused op,
/// the CPU keeps the fixtures' classic math (long sequences aside), and WORKFLOW_ATTENTION forces either side. Both
/// sides compute the same attention within float32 rounding.
/// </summary>
public sealed class AttentionChoiceTests
{
    private const long Short = 1 << 20;
    private const long Long = ClassicAttentionProcessor.LongScoresBytes + 1;

    [Fact]
    public void A_cpu_tensor_takes_the_classic_path_and_a_cuda_tensor_the_fused_kernels()
    {
        var cuda = Device.CUDA(0);
        Assert.False(AttentionChoice.UsesSdpa(AttentionMode.Auto, Device.CPU, Short, upcastHalfSoftmax: false, fusedKernels: true));
        Assert.True(AttentionChoice.UsesSdpa(AttentionMode.Auto, cuda, Short, upcastHalfSoftmax: false, fusedKernels: true));
        Assert.True(AttentionChoice.UsesSdpa(AttentionMode.Auto, cuda, Short, upcastHalfSoftmax: true, fusedKernels: true));
        Assert.False(AttentionChoice.UsesSdpa(AttentionMode.Auto, cuda, Short, upcastHalfSoftmax: false, fusedKernels: false));
    }

    [Fact]
    public void Long_cpu_attention_takes_the_blocked_path_unless_a_half_precision_softmax_must_upcast()
    {
        Assert.True(AttentionChoice.UsesSdpa(AttentionMode.Auto, Device.CPU, Long, upcastHalfSoftmax: false, fusedKernels: false));
        Assert.True(AttentionChoice.UsesSdpa(AttentionMode.Classic, Device.CPU, Long, upcastHalfSoftmax: false, fusedKernels: false));
        Assert.False(AttentionChoice.UsesSdpa(AttentionMode.Auto, Device.CPU, Long, upcastHalfSoftmax: true, fusedKernels: true));
    }

    [Fact]
    public void A_forced_mode_wins_on_every_device()
    {
        foreach (var device in new[] { Device.CPU, Device.CUDA(0) })
        {
            Assert.True(AttentionChoice.UsesSdpa(AttentionMode.Sdpa, device, Short, upcastHalfSoftmax: true, fusedKernels: false));
            Assert.False(AttentionChoice.UsesSdpa(AttentionMode.Classic, device, Short, upcastHalfSoftmax: false, fusedKernels: true));
        }
        Assert.False(AttentionChoice.UsesSdpa(AttentionMode.Classic, Device.CUDA(0), Long, upcastHalfSoftmax: false, fusedKernels: true));
    }

    [Fact]
    public void The_mode_parses_from_the_environment_value_and_names_the_variable_when_wrong()
    {
        Assert.Equal(AttentionMode.Auto, AttentionChoice.Parse(null));
        Assert.Equal(AttentionMode.Auto, AttentionChoice.Parse(""));
        Assert.Equal(AttentionMode.Classic, AttentionChoice.Parse("classic"));
        Assert.Equal(AttentionMode.Sdpa, AttentionChoice.Parse(" SDPA "));
        var error = Assert.Throws<ArgumentException>(() => AttentionChoice.Parse("flash"));
        Assert.Contains("WORKFLOW_ATTENTION=flash", error.Message);
    }

    [Fact]
    public void Short_attention_on_the_cpu_is_the_classic_arithmetic_bit_for_bit()
    {
        if (AttentionChoice.Mode == AttentionMode.Sdpa)
            return;   // forced for the whole process (the GPU check's comparison run)
        using var scope = torch.NewDisposeScope();
        var (attention, hidden, context) = RandomCase(Device.CPU);
        Assert.False(AttentionChoice.UsesSdpa(hidden, Short));
        Assert.True(attention.Forward(hidden, context).equal(DiffusersMath(attention, hidden, context)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(24)]
    public void Explicit_sdpa_gives_the_classic_result_within_float32_rounding_on_the_cpu(int? crossAttentionDim)
    {
        using var scope = torch.NewDisposeScope();
        var (attention, hidden, context) = RandomCase(Device.CPU, crossAttentionDim);
        var keys = crossAttentionDim is null ? hidden : context;
        attention.Processor = SdpaAttentionProcessor.Instance;
        var fused = attention.Forward(hidden, crossAttentionDim is null ? null : context);
        var classic = DiffusersMath(attention, hidden, keys);
        Assert.True(fused.allclose(classic, rtol: 1e-5, atol: 1e-5), $"max difference {(fused - classic).abs().max().item<float>()}");
    }

    [CudaFact]
    public void On_cuda_the_default_takes_the_fused_kernels_and_agrees_with_the_classic_math()
    {
        using var scope = torch.NewDisposeScope();
        var (attention, hidden, context) = RandomCase(Device.CUDA(0));
        Assert.Equal(AttentionChoice.Mode != AttentionMode.Classic && AttentionChoice.FusedKernels, AttentionChoice.UsesSdpa(hidden, Short));
        var expected = DiffusersMath(attention, hidden, context);
        Assert.True(attention.Forward(hidden, context).allclose(expected, rtol: 1e-3, atol: 1e-4), "float32");
        attention.to(torch.float16);
        var half = attention.Forward(hidden.to(torch.float16), context.to(torch.float16)).@float();
        Assert.True(half.allclose(expected, rtol: 2e-2, atol: 2e-2), $"float16: max difference {(half - expected).abs().max().item<float>()}");
    }

    private static (Attention Attention, Tensor Hidden, Tensor Context) RandomCase(Device device, int? crossAttentionDim = 24)
    {
        using var generator = new Generator(11);
        var attention = new Attention(new AttentionConfig(QueryDim: 32, CrossAttentionDim: crossAttentionDim, Heads: 4, DimHead: 8));
        RandomWeights.Fill(attention, generator);
        attention.to(device);
        return (attention, torch.randn([2, 64, 32], generator).to(device), torch.randn([2, 77, crossAttentionDim ?? 32], generator).to(device));
    }

    /// <summary>AttnProcessor's arithmetic written out (heads to batch, scores by baddbmm, softmax, bmm, back, to_out), on any device.</summary>
    private static Tensor DiffusersMath(Attention attention, Tensor hidden, Tensor context)
    {
        using var scope = torch.NewDisposeScope();
        var q = ClassicAttentionProcessor.HeadsToBatch(attention.ToQ.Forward(hidden), attention.Heads);
        var k = ClassicAttentionProcessor.HeadsToBatch(attention.ToK.Forward(context), attention.Heads);
        var v = ClassicAttentionProcessor.HeadsToBatch(attention.ToV.Forward(context), attention.Heads);
        var probabilities = F.softmax(ClassicAttentionProcessor.Scores(q, k, attention.Scale), dim: -1);
        var heads = ClassicAttentionProcessor.BatchToHeads(torch.bmm(probabilities, v), attention.Heads);
        return attention.ToOut.Forward(heads).MoveToOuterDisposeScope();
    }
}
