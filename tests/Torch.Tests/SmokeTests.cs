namespace Workflow.Torch.Tests;

public class SmokeTests
{
    [Fact]
    public void Adds()
    {
        using var a = torch.tensor([1f, 2f, 3f]);
        using var b = a + 1;
        Assert.Equal([2f, 3f, 4f], b.ToArray<float>());
    }

    [Fact]
    public void Randn()
    {
        torch.manual_seed(0);
        using var a = torch.randn([5]);
        Assert.Equal(1.5409960746765137f, a.ToArray<float>()[0]);
        Assert.Equal(2, torch.get_num_threads());
    }

    [Fact]
    public void Error()
    {
        using var a = torch.zeros([2, 3]);
        using var b = torch.zeros([4, 5]);
        var e = Assert.Throws<TorchException>(() => a.matmul(b));
        Assert.Contains("cannot be multiplied", e.Message);
    }
}
