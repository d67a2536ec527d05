using Workflow.Torch.Modules;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

/// <summary>torch.set_default_dtype: what tensors made without a dtype get, parameters included; process-wide.</summary>
[Collection(ProcessWideState.Name)]
public class DefaultDtypeTests
{
    private sealed class Layer : Module
    {
        public Layer() => Weight = Parameter("weight", 4, 4);

        public Tensor Weight { get; }
    }

    [Fact]
    public void A_module_built_under_float16_has_float16_parameters_and_the_default_comes_back()
    {
        Assert.Equal(torch.float32, torch.get_default_dtype());
        torch.set_default_dtype(torch.float16);
        try
        {
            using var layer = new Layer();
            using var counts = torch.arange(3);
            Assert.Equal(torch.float16, layer.Weight.dtype);
            Assert.Equal(torch.int64, counts.dtype);   // integers keep theirs
        }
        finally
        {
            torch.set_default_dtype(torch.float32);
        }
        using var after = new Layer();
        Assert.Equal(torch.float32, after.Weight.dtype);
    }

    [Fact]
    public void An_integer_default_is_refused_by_name()
    {
        var error = Assert.Throws<TorchException>(() => torch.set_default_dtype(torch.int32));
        Assert.Contains("Int", error.Message);
        Assert.Equal(torch.float32, torch.get_default_dtype());
    }
}
