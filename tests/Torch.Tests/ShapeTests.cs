using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class ShapeTests
{
    // 0..5 as [2, 3]
    private static Tensor Matrix() => torch.arange(6).view(2, 3);

    [Fact]
    public void Views_share_storage()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros([6]);
        var view = x.view(2, 3);
        view.fill_(1);
        Expect.Equal([1f, 1f, 1f, 1f, 1f, 1f], x);
        Expect.Shape(x.view(3, -1), 3, 2);
        Assert.Throws<TorchException>(() => x.view(4, 2));
    }

    [Fact]
    public void A_dtype_view_reads_the_same_bytes()
    {
        using var scope = torch.NewDisposeScope();
        // torch.tensor([1.0, -2.0]).view(torch.uint8): IEEE 754 little-endian bytes of 1.0f and -2.0f.
        var x = torch.tensor([1f, -2f]);
        Expect.Equal<byte>([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0], x.view(ScalarType.UInt8));
        Expect.Equal([1f, -2f], x.view(ScalarType.UInt8).view(ScalarType.Float32));
        Assert.Throws<TorchException>(() => x.view(ScalarType.UInt8).view(2, 4).t().view(ScalarType.Float32));
    }

    [Fact]
    public void Permute_and_transpose_reorder_dimensions()
    {
        using var scope = torch.NewDisposeScope();
        var x = Matrix();
        var transposed = x.transpose(0, 1);
        Expect.Shape(transposed, 3, 2);
        Assert.False(transposed.is_contiguous());
        Expect.Equal([0L, 3L, 1L, 4L, 2L, 5L], transposed);
        var contiguous = transposed.contiguous();
        Assert.True(contiguous.is_contiguous());
        Assert.Equal([2L, 1L], contiguous.stride());
        Expect.Equal([0L, 3L, 1L, 4L, 2L, 5L], x.permute(1, 0).reshape(-1));
        Expect.Shape(torch.zeros([2, 3, 4]).permute(2, 0, 1), 4, 2, 3);
        Expect.Equal([0L, 3L, 1L, 4L, 2L, 5L], x.t());
    }

    [Fact]
    public void Dimensions_are_added_and_removed()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros([2, 1, 3, 1]);
        Expect.Shape(x.squeeze(), 2, 3);
        Expect.Shape(x.squeeze(1), 2, 3, 1);
        Expect.Shape(x.unsqueeze(0), 1, 2, 1, 3, 1);
        Expect.Shape(x.unsqueeze(-1), 2, 1, 3, 1, 1);
        Expect.Shape(x.flatten(), 6);
        Expect.Shape(x.flatten(1), 2, 3);
        Expect.Shape(x.flatten(0, 1), 2, 3, 1);
        Expect.Shape(torch.zeros([2, 12]).unflatten(1, 3, 4), 2, 3, 4);
        Assert.Equal(4, x.ndim);
        Assert.Equal(6, x.numel());
        Assert.Equal(3, x.size(-2));
        Assert.Throws<TorchException>(() => x.size(4));
    }

    [Fact]
    public void Expand_and_repeat_tile_data()
    {
        using var scope = torch.NewDisposeScope();
        var column = torch.tensor([1, 2], [2, 1]);
        Expect.Equal([1, 1, 1, 2, 2, 2], column.expand(2, 3));
        Expect.Equal([1, 1, 1, 2, 2, 2], column.expand_as(torch.zeros([2, 3])));
        Expect.Equal([1, 2, 1, 2], column.repeat(2, 1));
        Expect.Equal([1, 1, 2, 2], torch.tensor([1, 2]).repeat_interleave(2, 0));
        Expect.Equal([2, 1], torch.tensor([1, 2]).flip(0));
        Expect.Equal([2, 1], torch.tensor([1, 2]).roll(1, 0));
    }

    [Fact]
    public void Cat_and_stack_join_tensors()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor([1, 2], [1, 2]);
        var b = torch.tensor([3, 4], [1, 2]);
        var rows = torch.cat([a, b]);
        Expect.Shape(rows, 2, 2);
        Expect.Equal([1, 2, 3, 4], rows);
        Expect.Equal([1, 2, 3, 4], torch.cat([a, b], 1));
        Expect.Shape(torch.stack([a, b], 0), 2, 1, 2);
        Expect.Equal([1, 3, 2, 4], torch.stack([a, b], -1));
        var many = Enumerable.Range(0, 100).Select(i => torch.full([1], i)).ToArray();
        Expect.Equal(Enumerable.Range(0, 100).Select(i => (long)i).ToArray(), torch.cat(many));
    }

    [Fact]
    public void Chunk_and_split_cut_along_a_dimension()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(5);
        var chunks = x.chunk(2);
        Assert.Equal(2, chunks.Length);
        Expect.Equal([0L, 1L, 2L], chunks[0]);
        Expect.Equal([3L, 4L], chunks[1]);
        Assert.Equal(5, x.chunk(8).Length); // never more pieces than elements
        var pieces = x.split(2);
        Assert.Equal([2L, 2L, 1L], pieces.Select(p => p.numel()));
        var sized = x.split([1, 4]);
        Expect.Equal([1L, 2L, 3L, 4L], sized[1]);
        var qkv = torch.zeros([2, 9]).chunk(3, dim: -1);
        Expect.Shape(qkv[2], 2, 3);
        var rows = Matrix().unbind(0);
        Expect.Equal([3L, 4L, 5L], rows[1]);
        Assert.Throws<TorchException>(() => x.split([1, 1]));
    }

    [Fact]
    public void Positional_selection_narrows_slices_and_selects()
    {
        using var scope = torch.NewDisposeScope();
        var x = Matrix();
        Expect.Equal([1L, 2L, 4L, 5L], x.narrow(1, 1, 2));
        Expect.Equal([0L, 2L, 3L, 5L], x.slice(1, step: 2));
        Expect.Equal([2L, 5L], x.slice(1, -1).flatten());
        Expect.Equal([3L, 4L, 5L], x.select(0, 1));
        Expect.Equal([3L, 4L, 5L], x[1]);
        Expect.Equal([1L, 4L], x.select(1, -2));
        x.narrow(1, 0, 1).fill_(9);
        Expect.Equal([9L, 1L, 2L, 9L, 4L, 5L], x);
    }

    [Fact]
    public void Index_tensors_pick_elements()
    {
        using var scope = torch.NewDisposeScope();
        var x = Matrix();
        Expect.Equal([2L, 0L, 5L, 3L], x.index_select(1, torch.tensor([2L, 0L])));
        Expect.Equal([2L, 3L], x.gather(1, torch.tensor([2L, 0L], [2, 1])));
        Assert.Throws<TorchException>(() => x.index_select(1, torch.tensor([7L])));
    }

    [Fact]
    public void Triangles_keep_one_side_of_a_diagonal()
    {
        using var scope = torch.NewDisposeScope();
        var ones = torch.ones([3, 3]);
        Expect.Equal([1f, 0f, 0f, 1f, 1f, 0f, 1f, 1f, 1f], ones.tril());
        Expect.Equal([0f, 1f, 1f, 0f, 0f, 1f, 0f, 0f, 0f], ones.triu(1));
    }
}
