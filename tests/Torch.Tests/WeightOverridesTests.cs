using Workflow.Torch.Modules;

namespace Workflow.Torch.Tests;

/// <summary>
/// WeightOverrides: Linear and Conv2d compute with a replacement weight inside a scope, on that async flow only; the
/// module's own weight is never written, and the scope's end (or an inner scope's) restores what was used before.
/// </summary>
public sealed class WeightOverridesTests
{
    [Fact]
    public void Linear_and_conv_use_the_replacement_inside_the_scope_and_their_own_weight_after()
    {
        using var linear = new Linear(3, 2, bias: false);
        using var conv = new Conv2d(1, 1, 1, bias: false);
        linear.weight.copy_(torch.ones([2, 3]));
        conv.weight.copy_(torch.ones([1, 1, 1, 1]));
        using var doubled = torch.full([2, 3], 2.0f);
        using var tripled = torch.full([1, 1, 1, 1], 3.0f);
        using var input = torch.ones([1, 3]);
        using var image = torch.ones([1, 1, 2, 2]);

        using (WeightOverrides.Use(new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [linear.weight] = doubled, [conv.weight] = tripled }))
        {
            using var y = linear.Forward(input);
            using var z = conv.Forward(image);
            Assert.Equal([6f, 6f], y.data<float>().ToArray());
            Assert.Equal([3f, 3f, 3f, 3f], z.data<float>().ToArray());
        }
        using var after = linear.Forward(input);
        Assert.Equal([3f, 3f], after.data<float>().ToArray());
        using var ones = torch.ones([2, 3]);
        Assert.True(linear.weight.equal(ones), "the module's own weight was written");
    }

    [Fact]
    public async Task Another_flow_running_meanwhile_sees_the_modules_own_weight()
    {
        using var linear = new Linear(1, 1, bias: false);
        linear.weight.copy_(torch.ones([1, 1]));
        using var replacement = torch.full([1, 1], 5.0f);
        using var input = torch.ones([1, 1]);
        using var entered = new ManualResetEventSlim();
        using var checkedOther = new ManualResetEventSlim();

        var patchedFlow = Task.Run(() =>
        {
            using (WeightOverrides.Use(new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [linear.weight] = replacement }))
            {
                entered.Set();
                checkedOther.Wait(TimeSpan.FromSeconds(10));
                using var y = linear.Forward(input);
                return y.item<float>();
            }
        });
        var plainFlow = Task.Run(() =>
        {
            entered.Wait(TimeSpan.FromSeconds(10));
            using var y = linear.Forward(input);
            checkedOther.Set();
            return y.item<float>();
        });

        Assert.Equal(5f, await patchedFlow);
        Assert.Equal(1f, await plainFlow);
    }

    [Fact]
    public void An_inner_scope_wins_and_its_end_restores_the_outer_one()
    {
        using var linear = new Linear(1, 1, bias: false);
        linear.weight.copy_(torch.ones([1, 1]));
        using var outer = torch.full([1, 1], 2.0f);
        using var inner = torch.full([1, 1], 7.0f);
        using var input = torch.ones([1, 1]);
        float Output() { using var y = linear.Forward(input); return y.item<float>(); }

        using (WeightOverrides.Use(new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [linear.weight] = outer }))
        {
            using (WeightOverrides.Use(new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [linear.weight] = inner }))
                Assert.Equal(7f, Output());
            Assert.Equal(2f, Output());
        }
        Assert.Equal(1f, Output());
    }
}
