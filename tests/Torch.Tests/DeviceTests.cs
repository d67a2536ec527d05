using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class DeviceTests
{
    [Fact]
    public void Devices_parse_and_print_as_pytorch()
    {
        Assert.Equal(Device.CPU, torch.device("cpu"));
        Assert.Equal(Device.CUDA(1), torch.device("cuda:1"));
        Assert.Equal("cuda", torch.device("cuda").ToString());
        Assert.Equal("cuda:0", Device.CUDA().ToString());
        Assert.Throws<FormatException>(() => torch.device("tpu"));
    }

    [Fact]
    public void The_current_device_resolves_to_device_zero()
    {
        Assert.Equal(0, torch.device("cuda").ResolvedIndex);
        Assert.Equal(2, torch.device("cuda:2").ResolvedIndex);
    }

    [Theory, OnCpu, OnCuda]
    public void Tensors_move_between_the_cpu_and_a_device(string device)
    {
        using var scope = torch.NewDisposeScope();
        var on = Device.Parse(device);
        var moved = torch.tensor([1f, 2f]).to(on);
        Assert.Equal(on.Type, moved.device.Type);
        var back = moved.cpu();
        Assert.Equal(Device.CPU, back.device);
        Expect.Equal([1f, 2f], back);
    }

    [Fact]
    public void A_cuda_tensor_without_cuda_is_a_torch_exception()
    {
        if (torch.cuda.is_available())
            return;
        var error = Assert.Throws<TorchException>(() => torch.zeros([1], device: Device.CUDA()));
        Assert.Contains("CUDA", error.Message);
    }

    [Fact]
    public void The_library_uses_every_hardware_thread()
    {
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null && Environment.GetEnvironmentVariable("MKL_NUM_THREADS") is null)
            Assert.Equal(Environment.ProcessorCount, torch.get_num_threads());
        Assert.StartsWith(torch.__version__.Split('.')[0] + ".", torch.__version__);
    }
}
