using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Vae;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Nodes.Diffusion.Tests.Pipelines;
using Workflow.NodeSdk;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Precision;

/// <summary>
/// A loader's weight_dtype: default follows the host's --precision, an explicit choice wins, a model not run in the
/// host's precision takes its own, float16 is refused where the CPU has no float16 kernels, and the VAE stays in
/// float32 where float16 would overflow. Models hand back float32 on the CPU whatever they compute in.
/// </summary>
public sealed class WeightDtypeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("weight-dtype-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private NodePaths Paths => new(Path.Combine(_root, "models"), Path.Combine(_root, "input"), Path.Combine(_root, "output"), Path.Combine(_root, "temp"));

    [Theory]
    [InlineData(null, WeightDtype.Default, ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16, WeightDtype.Default, ScalarType.BFloat16)]
    [InlineData(ScalarType.BFloat16, WeightDtype.Fp32, ScalarType.Float32)]
    [InlineData(null, WeightDtype.Bf16, ScalarType.BFloat16)]
    public void Default_follows_the_hosts_precision_and_a_choice_wins(ScalarType? precision, WeightDtype choice, ScalarType expected)
    {
        var context = new TestNodeContext(Paths) { Precision = precision };
        Assert.Equal(expected, ((WeightDtype?)choice).Resolve(context, Device.CPU));
    }

    [Fact]
    public void A_model_not_run_in_the_hosts_precision_takes_its_first_own_by_default()
    {
        var context = new TestNodeContext(Paths) { Precision = ScalarType.Float16 };
        ScalarType[] ltx2 = [ScalarType.BFloat16, ScalarType.Float32];
        Assert.Equal(ScalarType.BFloat16, ((WeightDtype?)WeightDtype.Default).Resolve(context, Device.CUDA(0), ltx2));
        Assert.Equal(ScalarType.Float16, ((WeightDtype?)WeightDtype.Fp16).Resolve(context, Device.CUDA(0), ltx2));
    }

    [Fact]
    public void Fp16_on_the_CPU_is_refused_naming_the_input_where_libtorch_has_no_float16_kernels()
    {
        var context = new TestNodeContext(Paths);
        bool cpuHasHalf;
        try
        {
            using var x = torch.ones([2, 2], ScalarType.Float16);
            using var product = torch.matmul(x, x);
            cpuHasHalf = true;
        }
        catch (TorchException)
        {
            cpuHasHalf = false;
        }
        if (cpuHasHalf)
        {
            Assert.Equal(ScalarType.Float16, ((WeightDtype?)WeightDtype.Fp16).Resolve(context, Device.CPU));
            return;
        }
        var error = Assert.Throws<InputException>(() => ((WeightDtype?)WeightDtype.Fp16).Resolve(context, Device.CPU));
        Assert.Equal(("weight_dtype", (object?)"fp16"), (error.InputName, error.Value));
        Assert.Contains("bf16 or fp32", error.Message);
        var fromHost = Assert.Throws<InputException>(() => ((WeightDtype?)WeightDtype.Default).Resolve(new TestNodeContext(Paths) { Precision = ScalarType.Float16 }, Device.CPU));
        Assert.Contains("--precision", fromHost.Message);
    }

    [Theory]
    [InlineData(true, ScalarType.Float16, ScalarType.Float32)]
    [InlineData(false, ScalarType.Float16, ScalarType.Float16)]
    [InlineData(true, ScalarType.BFloat16, ScalarType.BFloat16)]
    public void The_VAE_is_upcast_where_its_config_says_float16_would_overflow(bool forceUpcast, ScalarType requested, ScalarType expected)
    {
        var config = new AutoencoderKLConfig { BlockOutChannels = [32], NormNumGroups = 32, ForceUpcast = forceUpcast };
        using var vae = new ImageVae(new AutoencoderKL(config));
        vae.To(Device.CPU, requested);
        Assert.Equal(expected, vae.Dtype);
    }

    [GoldenTheory(Sd15Fixture.Name)]
    [MemberData(nameof(Sd15NodesTests.Layouts), MemberType = typeof(Sd15NodesTests))]
    public void LoadCheckpoint_in_bf16_computes_in_bf16_and_hands_back_float32(string layout)
    {
        var context = new TestNodeContext(Paths);
        var ckptName = Sd15Models.Install(Paths.Models, layout);
        var checkpoint = new LoadCheckpoint().Execute(context, ckptName, WeightDtype.Bf16);
        using var model = checkpoint.Model;
        using var clip = checkpoint.Clip;
        using var vae = Assert.IsType<ImageVae>(checkpoint.Vae);
        Assert.Equal(ScalarType.BFloat16, model.Dtype);
        Assert.Equal(ScalarType.BFloat16, vae.Dtype);
        Assert.All(Assert.IsType<ClipModel>(clip).Encoder.named_parameters().Where(p => p.Tensor.is_floating_point()),
            p => Assert.Equal(ScalarType.BFloat16, p.Tensor.dtype));

        using var scope = torch.NewDisposeScope();
        using var prompt = new ClipEncode().Execute(context, "a photograph", clip);
        Assert.Equal(ScalarType.Float32, prompt.Entries[0].Embeddings.dtype);
        var latent = torch.randn([1, model.LatentFormat.Channels, 8, 8]);
        var prediction = model.Forward(latent, torch.tensor<long>([500]), prompt.Entries[0].Embeddings);
        Assert.Equal(ScalarType.Float32, prediction.dtype);
        Assert.Equal(latent.shape, prediction.shape);
        using var decoded = vae.Decode(latent);
        Assert.Equal(ScalarType.Float32, decoded.dtype);
        Assert.False(decoded.isnan().any().item<bool>() || decoded.isinf().any().item<bool>(), "the bf16 VAE decodes to finite values");
    }
}
