using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class PointwiseTests
{
    private static readonly double[] Inputs = [0.1, 0.5, 1.0, 2.0, 3.5];

    public static TheoryData<string> Functions => ["exp", "log", "sin", "cos", "sqrt", "rsqrt", "tanh", "sigmoid", "abs", "neg", "reciprocal", "log1p", "expm1", "square", "log2"];

    [Theory, MemberData(nameof(Functions))]
    public void Unary_functions_match_system_math_in_float64(string name)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(Inputs);
        var (op, reference) = Function(name);
        Expect.Close(Inputs.Select(reference).ToArray(), op(x), atol: 1e-15, rtol: 1e-15);
    }

    [Theory, MemberData(nameof(Functions))]
    public void Unary_functions_agree_in_float32(string name)
    {
        using var scope = torch.NewDisposeScope();
        var (op, reference) = Function(name);
        Expect.Close(Inputs.Select(reference).ToArray(), op(torch.tensor(Inputs, torch.float32)), atol: 1e-6, rtol: 1e-6);
    }

    [Fact]
    public void Rounding_follows_pytorch()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([-1.5f, -0.5f, 0.5f, 1.5f, 2.7f]);
        Expect.Equal([-2f, -1f, 0f, 1f, 2f], x.floor());
        Expect.Equal([-1f, -0f, 1f, 2f, 3f], x.ceil());
        Expect.Equal([-2f, -0f, 0f, 2f, 3f], x.round()); // half to even
        Expect.Equal([-1f, -0f, 0f, 1f, 2f], x.trunc());
        Expect.Equal([-1f, -1f, 1f, 1f, 1f], x.sign());
    }

    [Fact]
    public void Acos_matches_system_math_on_its_domain_and_is_nan_outside()
    {
        using var scope = torch.NewDisposeScope();
        double[] inside = [-1.0, -0.5, 0.0, 0.3, 1.0];
        Expect.Close(inside.Select(Math.Acos).ToArray(), torch.tensor(inside).acos(), atol: 1e-15, rtol: 1e-15);
        Expect.Close(inside.Select(Math.Acos).ToArray(), torch.acos(torch.tensor(inside, torch.float32)), atol: 1e-6, rtol: 1e-6);
        Assert.True(torch.tensor([1.5, -2.0]).acos().isnan().all().item<bool>());
    }

    [Fact]
    public void Erf_matches_pytorch()
    {
        using var scope = torch.NewDisposeScope();
        // torch.erf(torch.tensor([-1., 0.5, 2.])).tolist()
        Expect.Close([-0.8427007794380188, 0.5204998850822449, 0.9953222870826721], torch.tensor([-1f, 0.5f, 2f]).erf(), atol: 1e-7);
    }

    [Fact]
    public void In_place_functions_write_back()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([1.0, 4.0]);
        x.sqrt_().neg_().abs_().reciprocal_();
        Expect.Equal([1.0, 0.5], x);
        x.exp_().log_();
        Expect.Close([1.0, 0.5], x, atol: 1e-15);
    }

    [Fact]
    public void Clamp_takes_either_bound()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([-2f, 0f, 2f]);
        Expect.Equal([-1f, 0f, 1f], x.clamp(-1, 1));
        Expect.Equal([0f, 0f, 2f], x.clamp(min: 0));
        Expect.Equal([-2f, 0f, 0.5f], x.clamp(max: 0.5));
        Assert.Throws<TorchException>(() => torch.clamp(x)); // as PyTorch: at least one bound
        Expect.Equal([5L, 5L, 6L], torch.tensor([1L, 5L, 9L]).clamp(5, 6));
    }

    private static (Func<Tensor, Tensor> Op, Func<double, double> Reference) Function(string name) => name switch
    {
        "exp" => (x => x.exp(), Math.Exp),
        "log" => (x => x.log(), Math.Log),
        "log2" => (x => x.log2(), Math.Log2),
        "sin" => (x => x.sin(), Math.Sin),
        "cos" => (x => x.cos(), Math.Cos),
        "sqrt" => (x => x.sqrt(), Math.Sqrt),
        "rsqrt" => (x => x.rsqrt(), v => 1 / Math.Sqrt(v)),
        "tanh" => (x => x.tanh(), Math.Tanh),
        "sigmoid" => (x => x.sigmoid(), v => 1 / (1 + Math.Exp(-v))),
        "abs" => (x => x.neg().abs(), Math.Abs),
        "neg" => (x => x.neg(), v => -v),
        "reciprocal" => (x => x.reciprocal(), v => 1 / v),
        "log1p" => (x => x.log1p(), v => Math.Log(1 + v)),
        "expm1" => (x => x.expm1(), v => Math.Exp(v) - 1),
        "square" => (x => x.square(), v => v * v),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
