using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class ErrorPropagationTests
{
    [Fact]
    public void A_shape_error_in_libtorch_is_an_exception_and_the_process_goes_on()
    {
        using var scope = torch.NewDisposeScope();
        var error = Assert.Throws<TorchException>(() => torch.ones([2, 3]).matmul(torch.ones([4, 5])));
        Assert.Equal("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)", error.Message);
        Assert.DoesNotContain("frame #", error.Message);
        Expect.Equal([3f, 3f], torch.ones([2, 3]).matmul(torch.ones([3])));
    }

    [Fact]
    public void Every_op_family_reports_libtorch_messages()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([2, 3]);
        Assert.Contains("invalid for input of size 6", Assert.Throws<TorchException>(() => x.view(4)).Message);
        Assert.Contains("Sizes of tensors must match", Assert.Throws<TorchException>(() => torch.cat([x, torch.ones([2, 2])])).Message);
        Assert.Contains("must match the size", Assert.Throws<TorchException>(() => x + torch.ones([4])).Message);
        Assert.Contains("cannot be converted to Scalar", Assert.Throws<TorchException>(() => x.item<float>()).Message);
        Assert.Contains("out of range", Assert.Throws<TorchException>(() => x.sum(5)).Message);
        Assert.Throws<TorchException>(() => F.conv2d(torch.ones([1, 3, 8, 8]), torch.ones([4, 2, 3, 3])));
        Assert.Throws<TorchException>(() => F.group_norm(torch.ones([1, 3, 2, 2]), 2));
        Assert.Throws<TorchException>(() => torch.zeros([-1]));
        Assert.Throws<TorchException>(() => torch.set_num_threads(0));
    }

    [Fact]
    public void Failed_calls_leave_no_native_tensors_behind()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones([2, 3]);
        var b = torch.ones([4, 5]);
        for (var i = 0; i < 1000; i++)
            Assert.Throws<TorchException>(() => a.matmul(b));
        Assert.Equal(2, scope.Count);
    }

    [Fact]
    public void Each_thread_sees_its_own_error()
    {
        var messages = Enumerable.Range(1, 8).AsParallel().Select(n =>
        {
            using var scope = torch.NewDisposeScope();
            var error = Assert.Throws<TorchException>(() => torch.ones([n]).view(n + 1));
            return (n, error.Message);
        }).ToList();
        foreach (var (n, message) in messages)
            Assert.Contains($"shape '[{n + 1}]' is invalid for input of size {n}", message);
    }

    [Fact]
    public void Using_a_disposed_tensor_throws_instead_of_crashing()
    {
        var x = torch.ones([1]);
        x.Dispose();
        Assert.Throws<ObjectDisposedException>(() => x.exp());
        Assert.Throws<ObjectDisposedException>(() => x.shape);
        Assert.Equal("tensor(disposed)", x.ToString());
    }
}
