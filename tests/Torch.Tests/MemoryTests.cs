using System.Diagnostics;
using Workflow.Torch.Modules;
using Workflow.Torch.Tests.Support;
using Xunit.Abstractions;

namespace Workflow.Torch.Tests;

[Collection(ProcessWideState.Name)]
public class MemoryTests(ITestOutputHelper output)
{
    /// <summary>GroupNorm, SiLU, a 3x3 convolution, then two-head self-attention over the pixels with a residual.</summary>
    private sealed class ConvAttentionBlock : Module
    {
        private const int Channels = 8, Heads = 2;
        private readonly GroupNorm _norm;
        private readonly Conv2d _conv;
        private readonly Linear _toQ, _toK, _toV;
        private readonly Sequential _toOut;

        public ConvAttentionBlock()
        {
            _norm = Register("norm", new GroupNorm(2, Channels));
            _conv = Register("conv", new Conv2d(Channels, Channels, 3, padding: 1));
            _toQ = Register("to_q", new Linear(Channels, Channels));
            _toK = Register("to_k", new Linear(Channels, Channels));
            _toV = Register("to_v", new Linear(Channels, Channels));
            _toOut = Register("to_out", new Sequential(new Linear(Channels, Channels), null));
        }

        public Tensor Forward(Tensor x)
        {
            using var scope = torch.NewDisposeScope();
            var h = _conv.Forward(F.silu(_norm.Forward(x)));
            var tokens = h.flatten(2).transpose(1, 2);
            var q = Heads_(_toQ.Forward(tokens));
            var k = Heads_(_toK.Forward(tokens));
            var v = Heads_(_toV.Forward(tokens));
            var attention = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).flatten(2);
            var output = _toOut.Forward(attention).transpose(1, 2).reshape(x.shape);
            return (x + output).MoveToOuterDisposeScope();
        }

        private static Tensor Heads_(Tensor tokens) => tokens.view(tokens.size(0), -1, Heads, Channels / Heads).transpose(1, 2);
    }

    [Fact]
    public void Ten_thousand_forward_passes_in_dispose_scopes_keep_memory_flat()
    {
        using var block = new ConvAttentionBlock();
        using var generator = new Generator(0);
        foreach (var (_, parameter) in block.named_parameters())
            parameter.normal_(0, 0.1, generator);
        using var x = torch.randn([1, 8, 16, 16], generator);
        var baseline = Tensor.LiveCount;

        Run(block, x, 500);
        var warm = ResidentBytes();
        Run(block, x, 10_000);
        var growth = ResidentBytes() - warm;
        output.WriteLine($"resident memory after warm-up {warm >> 20} MiB, growth over 10,000 passes {growth / 1024} KiB");

        Assert.Equal(baseline, Tensor.LiveCount);
        Assert.True(growth < 32 << 20, $"resident memory grew by {growth >> 20} MiB over 10,000 passes");
    }

    private static void Run(ConvAttentionBlock block, Tensor x, int passes)
    {
        for (var i = 0; i < passes; i++)
        {
            using var scope = torch.NewDisposeScope();
            block.Forward(x);
        }
    }

    private static long ResidentBytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
