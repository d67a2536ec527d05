using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class LinalgTests
{
    [Theory, OnCpu, OnCuda]
    public void Matrix_products_match_hand_computation(string device)
    {
        using var scope = torch.NewDisposeScope();
        var on = Device.Parse(device);
        var a = torch.tensor([1f, 2f, 3f, 4f], [2, 2], device: on);
        var b = torch.tensor([5f, 6f, 7f, 8f], [2, 2], device: on);
        // [[1*5+2*7, 1*6+2*8], [3*5+4*7, 3*6+4*8]]
        Expect.Equal([19f, 22f, 43f, 50f], a.matmul(b));
        Expect.Equal([19f, 22f, 43f, 50f], a.mm(b));
        Expect.Equal([5f, 11f], a.matmul(torch.tensor([1f, 2f], device: on)));
        var batch = torch.stack([a, b]);
        Expect.Equal([7f, 10f, 15f, 22f, 67f, 78f, 91f, 106f], batch.bmm(batch));
        Expect.Equal([7f, 10f, 15f, 22f, 67f, 78f, 91f, 106f], torch.matmul(batch, batch));
    }

    [Fact]
    public void Matmul_broadcasts_batch_dimensions()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([2, 3, 4, 5]);
        var y = torch.ones([5, 6]);
        var product = x.matmul(y);
        Expect.Shape(product, 2, 3, 4, 6);
        Assert.Equal(5f, product.max().item<float>());
    }

    [Fact]
    public void Baddbmm_and_addmm_scale_and_accumulate()
    {
        using var scope = torch.NewDisposeScope();
        var input = torch.ones([1, 2, 2]);
        var a = torch.tensor([1f, 2f, 3f, 4f], [1, 2, 2]);
        var identity = torch.tensor([1f, 0f, 0f, 1f], [1, 2, 2]);
        // beta * input + alpha * a @ I
        Expect.Equal([0.5f + 2, 0.5f + 4, 0.5f + 6, 0.5f + 8], input.baddbmm(a, identity, beta: 0.5, alpha: 2));
        Expect.Equal([2f, 4f, 6f, 8f], torch.baddbmm(torch.empty([1, 2, 2]), a, identity, beta: 0, alpha: 2));
        Expect.Equal([2f, 3f, 4f, 5f], torch.ones([2, 2]).addmm(a[0], identity[0]));
    }

    [Fact]
    public void Baddbmm_with_beta_0_ignores_what_the_result_memory_held()
    {
        // libtorch 1.13's small-product kernel read its fresh result at beta = 0: free a NaN-filled block of the
        // result's size first, so the allocator hands that memory back to baddbmm.
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor([1f, 2f, 3f, 4f], [1, 2, 2]);
        var identity = torch.tensor([1f, 0f, 0f, 1f], [1, 2, 2]);
        for (var i = 0; i < 100; i++)
        {
            torch.full([1, 2, 2], float.NaN).Dispose();
            using var product = torch.baddbmm(torch.full([1, 2, 2], float.NaN), a, identity, beta: 0, alpha: 2);
            Expect.Equal([2f, 4f, 6f, 8f], product);
        }
    }

    [Fact]
    public void Einsum_contracts_named_indices()
    {
        using var scope = torch.NewDisposeScope();
        var q = torch.tensor([1f, 2f, 3f, 4f], [1, 2, 2]);
        var k = torch.tensor([1f, 0f, 1f, 1f], [1, 2, 2]);
        // scores[b, i, j] = sum_d q[b, i, d] k[b, j, d]
        Expect.Equal([1f, 3f, 3f, 7f], torch.einsum("bid,bjd->bij", q, k));
        Assert.Equal(10f, torch.einsum("ij->", q[0]).item<float>());
        Expect.Equal([3f, 4f, 6f, 8f], torch.tensor([1f, 2f]).outer(torch.tensor([3f, 4f])));
    }

    [Fact]
    public void Mismatched_shapes_raise_libtorch_message()
    {
        using var scope = torch.NewDisposeScope();
        var error = Assert.Throws<TorchException>(() => torch.ones([2, 3]).matmul(torch.ones([4, 5])));
        Assert.Equal("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)", error.Message);
        Assert.Throws<TorchException>(() => torch.einsum("ij,jk->ik", torch.ones([2, 3]), torch.ones([4, 5])));
    }
}
