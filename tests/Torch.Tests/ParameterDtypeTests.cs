using Workflow.Torch.Modules;

namespace Workflow.Torch.Tests;

/// <summary>
/// ParameterDtype: modules built inside its scope create their parameters in its dtype; outside it, and in another
/// flow of execution meanwhile (another thread that this one did not start), float32.
/// </summary>
public class ParameterDtypeTests
{
    [Fact]
    public void Modules_built_in_the_scope_have_parameters_in_its_dtype_and_others_float32()
    {
        using (ParameterDtype.Use(ScalarType.BFloat16))
        {
            using var inside = new Linear(4, 3);
            Assert.Equal([ScalarType.BFloat16, ScalarType.BFloat16], inside.named_parameters().Select(p => p.Tensor.dtype));
            ScalarType onAnotherThread = default;
            var thread = new Thread(() =>
            {
                using var elsewhere = new Linear(4, 3);
                onAnotherThread = elsewhere.weight.dtype;
            });
            using (ExecutionContext.SuppressFlow())   // a thread of its own flow, as another prompt's, not one this flow starts
                thread.Start();
            thread.Join();
            Assert.Equal(ScalarType.Float32, onAnotherThread);
        }
        using var after = new Linear(4, 3);
        Assert.Equal(ScalarType.Float32, after.weight.dtype);
    }

    [Fact]
    public void Scopes_nest_and_restore_the_outer_dtype()
    {
        using (ParameterDtype.Use(ScalarType.Float16))
        {
            using (ParameterDtype.Use(ScalarType.BFloat16))
                Assert.Equal(ScalarType.BFloat16, ParameterDtype.Current);
            Assert.Equal(ScalarType.Float16, ParameterDtype.Current);
        }
        Assert.Equal(ScalarType.Float32, ParameterDtype.Current);
        Assert.Throws<ArgumentException>(() => ParameterDtype.Use(ScalarType.Int64));
    }
}
