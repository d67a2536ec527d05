using System.Runtime.CompilerServices;
using Workflow.Torch.Modules;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

[Collection(ProcessWideState.Name)]
public class DisposeScopeTests
{
    [Fact]
    public void A_scope_disposes_every_tensor_created_inside_it()
    {
        var baseline = Tensor.LiveCount;
        Tensor kept;
        using (var scope = torch.NewDisposeScope())
        {
            var x = torch.ones([3]);
            kept = (x * 2 + 1).exp();
            Assert.Equal(4, scope.Count);
            Assert.Same(scope, kept.Scope);
        }
        Assert.True(kept.IsDisposed);
        Assert.Equal(baseline, Tensor.LiveCount);
    }

    [Fact]
    public void Moving_to_the_outer_scope_survives_the_inner_one()
    {
        var baseline = Tensor.LiveCount;
        using (var outer = torch.NewDisposeScope())
        {
            Tensor result;
            using (var inner = torch.NewDisposeScope())
            {
                var temporary = torch.ones([2]);
                result = (temporary + 1).MoveToOuterDisposeScope();
                Assert.Same(outer, inner.Outer);
                Assert.Equal(1, inner.Count);
            }
            Assert.False(result.IsDisposed);
            Assert.Same(outer, result.Scope);
            Expect.Equal([2f, 2f], result);
            Assert.Equal(baseline + 1, Tensor.LiveCount);
        }
        Assert.Equal(baseline, Tensor.LiveCount);
    }

    [Fact]
    public void Leaving_the_outermost_scope_or_detaching_hands_ownership_to_the_caller()
    {
        var baseline = Tensor.LiveCount;
        Tensor moved, detached, alsoDetached;
        using (var scope = torch.NewDisposeScope())
        {
            moved = torch.zeros([1]).MoveToOuterDisposeScope();
            detached = torch.zeros([1]).DetachFromDisposeScope();
            alsoDetached = scope.Detach(torch.zeros([1]));
            Assert.Null(moved.Scope);
            Assert.Equal(0, scope.Count);
        }
        Assert.False(moved.IsDisposed || detached.IsDisposed || alsoDetached.IsDisposed);
        moved.Dispose();
        detached.Dispose();
        alsoDetached.Dispose();
        Assert.Equal(baseline, Tensor.LiveCount);
    }

    [Fact]
    public void Scope_move_to_outer_takes_a_tensor_from_anywhere()
    {
        using var outer = torch.NewDisposeScope();
        var made = torch.zeros([1]);
        using var inner = torch.NewDisposeScope();
        inner.MoveToOuter(made);
        Assert.Same(outer, made.Scope);
    }

    [Fact]
    public void Disposing_a_tensor_early_removes_it_from_its_scope()
    {
        var baseline = Tensor.LiveCount;
        using (var scope = torch.NewDisposeScope())
        {
            var tensors = Enumerable.Range(0, 5).Select(_ => torch.zeros([1])).ToArray();
            tensors[1].Dispose();
            tensors[1].Dispose();
            tensors[4].Dispose();
            Assert.Equal(3, scope.Count);
            Assert.Equal(baseline + 3, Tensor.LiveCount);
            Assert.Throws<ObjectDisposedException>(() => tensors[1].sum());
        }
        Assert.Equal(baseline, Tensor.LiveCount);
    }

    [Fact]
    public void Scopes_disposed_out_of_order_leave_no_dangling_scope()
    {
        var baseline = Tensor.LiveCount;
        var outer = torch.NewDisposeScope();
        var inner = torch.NewDisposeScope();
        torch.zeros([1]);
        outer.Dispose();
        Assert.Same(inner, DisposeScope.Current);
        Assert.Null(inner.Outer);
        torch.zeros([1]);
        inner.Dispose();
        Assert.Null(DisposeScope.Current);
        Assert.Equal(baseline, Tensor.LiveCount);
    }

    [Fact]
    public void Tensors_made_on_another_thread_do_not_join_this_threads_scope()
    {
        using var scope = torch.NewDisposeScope();
        Tensor? other = null;
        var thread = new Thread(() => other = torch.zeros([1]));
        thread.Start();
        thread.Join();
        Assert.NotNull(other);
        Assert.Equal(0, scope.Count);
        Assert.Null(other.Scope);
        other.Dispose();
    }

    [Fact]
    public void Module_parameters_never_belong_to_a_scope()
    {
        var baseline = Tensor.LiveCount;
        Linear layer;
        using (torch.NewDisposeScope())
            layer = new Linear(2, 2);
        Assert.False(layer.weight.IsDisposed);
        Assert.Null(layer.weight.Scope);
        layer.Dispose();
        Assert.Equal(baseline, Tensor.LiveCount);
    }

    [Fact]
    public void The_finalizer_frees_tensors_nobody_disposed()
    {
        // Garbage that earlier tests left would otherwise be finalized below and take the count under the baseline.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = Tensor.LiveCount;
        Abandon();
        for (var i = 0; i < 3 && Tensor.LiveCount != baseline; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.Equal(baseline, Tensor.LiveCount);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Abandon()
    {
        for (var i = 0; i < 10; i++)
            torch.zeros([16]);
    }
}
