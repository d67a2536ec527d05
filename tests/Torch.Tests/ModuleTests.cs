using Workflow.Torch.Modules;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class ModuleTests
{
    /// <summary>A miniature of diffusers' key layout: nested blocks, a list, a gap in a sequential, buffers.</summary>
    private sealed class Tiny : Module
    {
        public Tiny()
        {
            ConvIn = Register("conv_in", new Conv2d(3, 4, 3, padding: 1));
            Resnets = Register("resnets", new ModuleList<Block>(new Block(), new Block()));
            ToOut = Register("to_out", new Sequential(new Linear(4, 4), null));
            PositionIds = Buffer("position_ids", torch.arange(4));
            Buffer("cache", torch.zeros([2]), persistent: false);
        }

        public Conv2d ConvIn { get; }
        public ModuleList<Block> Resnets { get; }
        public Sequential ToOut { get; }
        public Tensor PositionIds { get; }
    }

    private sealed class Block : Module
    {
        public Block()
        {
            Norm1 = Register("norm1", new GroupNorm(2, 4));
            Scale = Parameter("scale", 4);
        }

        public GroupNorm Norm1 { get; }
        public Tensor Scale { get; }
    }

    private static readonly string[] TinyKeys =
    [
        "conv_in.weight", "conv_in.bias",
        "position_ids",
        "resnets.0.scale", "resnets.0.norm1.weight", "resnets.0.norm1.bias",
        "resnets.1.scale", "resnets.1.norm1.weight", "resnets.1.norm1.bias",
        "to_out.0.weight", "to_out.0.bias",
    ];

    [Fact]
    public void Keys_are_the_dotted_paths_of_the_constructors()
    {
        using var model = new Tiny();
        Assert.Equal(TinyKeys.Order(), model.state_dict().Keys.Order());
        Assert.Equal(TinyKeys.Where(k => k != "position_ids").Order(), model.named_parameters().Select(p => p.Name).Order());
        Assert.Equal(["position_ids", "cache"], model.named_buffers().Select(b => b.Name));
        Assert.Contains(("resnets.1.norm1", model.Resnets[1].Norm1), model.named_modules());
        Assert.Equal(["conv_in", "resnets", "to_out"], model.named_children().Select(c => c.Name));
        Assert.Same(model.ConvIn.weight, model.state_dict()["conv_in.weight"]);
    }

    [Fact]
    public void Loading_copies_every_tensor_converting_dtype()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Tiny();
        var state = TinyKeys.ToDictionary(k => k, k => torch.full(model.state_dict()[k].shape, k.Length, torch.float64));
        state["position_ids"] = torch.tensor([3L, 2L, 1L, 0L]);
        var result = model.load_state_dict(state);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(torch.float32, model.ConvIn.weight.dtype);
        Assert.Equal("conv_in.weight".Length, model.ConvIn.weight.max().item<float>());
        Assert.Equal("resnets.1.scale".Length, model.Resnets[1].Scale.min().item<float>());
        Expect.Equal([3L, 2L, 1L, 0L], model.PositionIds);
    }

    [Fact]
    public void A_bad_state_dict_reports_every_problem_at_once_and_loads_nothing()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Tiny();
        model.ConvIn.bias!.fill_(7);
        var state = TinyKeys.Where(k => k is not "resnets.1.scale" and not "to_out.0.bias")
            .ToDictionary(k => k, k => torch.zeros(model.state_dict()[k].shape));
        state["conv_in.weight"] = torch.zeros([4, 4, 3, 3]);
        state["resnets.0.norm1.weight"] = torch.zeros([5]);
        state["mid_block.attentions.0.to_q.weight"] = torch.zeros([1]);

        var error = Assert.Throws<StateDictException>(() => model.load_state_dict(state));

        Assert.Equal(["resnets.1.scale", "to_out.0.bias"], error.MissingKeys.Order());
        Assert.Equal(["mid_block.attentions.0.to_q.weight"], error.UnexpectedKeys);
        Assert.Equal(["conv_in.weight", "resnets.0.norm1.weight"], error.Mismatched.Select(m => m.Key).Order());
        Assert.Contains("size mismatch for conv_in.weight: the module expects [4, 3, 3, 3], the checkpoint has [4, 4, 3, 3]", error.Message);
        Assert.Contains("resnets.1.scale", error.Message);
        Assert.Contains("mid_block.attentions.0.to_q.weight", error.Message);
        Assert.Equal(7f, model.ConvIn.bias.min().item<float>());
    }

    [Fact]
    public void A_lenient_load_returns_missing_and_unexpected_keys_but_never_accepts_a_wrong_shape()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Tiny();
        var state = new Dictionary<string, Tensor> { ["conv_in.bias"] = torch.ones([4]), ["extra"] = torch.ones([1]) };
        var result = model.load_state_dict(state, strict: false);
        Assert.Equal(TinyKeys.Length - 1, result.MissingKeys.Count);
        Assert.Equal(["extra"], result.UnexpectedKeys);
        Expect.Equal([1f, 1f, 1f, 1f], model.ConvIn.bias!);
        state["conv_in.bias"] = torch.ones([3]);
        Assert.Throws<StateDictException>(() => model.load_state_dict(state, strict: false));
    }

    [Fact]
    public void Ignored_patterns_are_neither_missing_nor_unexpected()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Tiny();
        var state = TinyKeys.Where(k => k != "position_ids").ToDictionary(k => k, k => torch.zeros(model.state_dict()[k].shape));
        state["text_model.logit_scale"] = torch.zeros([1]);
        var result = model.load_state_dict(state, ignore: ["position_ids$", @"^text_model\."]);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
    }

    [Fact]
    public void To_converts_floating_tensors_in_place_and_keeps_integer_ones()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Tiny();
        var weight = model.ConvIn.weight;
        weight.fill_(0.5);
        Assert.Same(model, model.to(torch.float16));
        Assert.Same(weight, model.ConvIn.weight);
        Assert.Equal(torch.float16, weight.dtype);
        Assert.Equal(0.5f, weight.max().item<float>());
        Assert.Equal(torch.int64, model.PositionIds.dtype);
        Assert.Equal(torch.float16, model.named_buffers().Single(b => b.Name == "cache").Tensor.dtype);
        model.to(Device.CPU, torch.float32);
        Expect.Shape(model.ConvIn.Forward(torch.ones([1, 3, 5, 5])), 1, 4, 5, 5);
    }

    [Fact]
    public void Sequential_applies_layers_and_a_gap_is_identity()
    {
        using var scope = torch.NewDisposeScope();
        using var mlp = new Sequential(new Linear(2, 3), null, new SiLU(), new Linear(3, 1));
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias"], mlp.state_dict().Keys);
        foreach (var (_, tensor) in mlp.named_parameters())
            tensor.fill_(1);
        // silu(1 + 2 + 1) = 4 * sigmoid(4), three of them, plus the bias
        Expect.Close([3 * 4 / (1 + Math.Exp(-4)) + 1], mlp.Forward(torch.tensor([1f, 2f], [1, 2])), atol: 1e-5);
        Assert.Null(mlp[1]);
        Assert.Equal(4, mlp.Count);
        using var empty = new Sequential([null]);
        var x = torch.ones([1]);
        Assert.False(ReferenceEquals(x, empty.Forward(x)));
    }

    [Fact]
    public void Names_must_be_unique_key_segments()
    {
        Assert.Throws<ArgumentException>(() => new Duplicate());
        Assert.Throws<ArgumentException>(() => new Dotted());
    }

    [Fact]
    public void Disposing_a_module_frees_its_weights()
    {
        var model = new Tiny();
        var tensors = model.named_parameters().Concat(model.named_buffers()).Select(p => p.Tensor).ToList();
        model.Dispose();
        Assert.All(tensors, t => Assert.True(t.IsDisposed));
        model.Dispose();
    }

    private sealed class Duplicate : Module
    {
        public Duplicate()
        {
            Parameter("weight", 1);
            Register("weight", new Linear(1, 1));
        }
    }

    private sealed class Dotted : Module
    {
        public Dotted() => Parameter("to_out.0", 1);
    }
}
