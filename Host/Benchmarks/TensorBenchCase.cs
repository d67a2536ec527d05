using Workflow.Torch;

namespace Workflow.Host.Benchmarks;

/// <summary>The op a tensor benchmark case times; the reference script implements the same ops by these names.</summary>
public enum TensorOp
{
    Add,
    MulScalar,
    View,
    Conv2d,
    Matmul,
    Attention,
}

/// <summary>
/// One timed op on fixed shapes. Dispatch cases (tiny tensors) measure per-call overhead, where the target is to
/// beat PyTorch; compute cases use SD-like shapes, where the target is a ratio of at most 1.03.
/// </summary>
public sealed record TensorBenchCase(string Name, TensorOp Op, long[][] Shapes, int Iterations, int Rounds)
{
    public bool IsDispatch => Op is TensorOp.Add or TensorOp.MulScalar or TensorOp.View;

    public double Target => IsDispatch ? 1.0 : 1.03;

    /// <summary>On a GPU a compute call takes microseconds: 100 times the calls keep a round well above the clock's noise.</summary>
    public TensorBenchCase On(Device device) => device.Type == DeviceType.CPU || IsDispatch ? this : this with { Iterations = Iterations * 100 };

    /// <summary>
    /// SD 1.5 at 512x512 (64x64 latents, 320 channels, 8 heads of 40): the UNet's first convolution, a
    /// feed-forward projection, self-attention over the 4096 latent pixels and cross-attention to 77 text tokens.
    /// </summary>
    public static IReadOnlyList<TensorBenchCase> Standard { get; } =
    [
        new("dispatch add [1]", TensorOp.Add, [[1]], 20_000, 15),
        new("dispatch mul scalar [64]", TensorOp.MulScalar, [[64]], 20_000, 15),
        new("dispatch view [64]", TensorOp.View, [[64]], 20_000, 15),
        new("conv2d 1x320x64x64 k3 320", TensorOp.Conv2d, [[1, 320, 64, 64], [320, 320, 3, 3]], 3, 15),
        new("matmul 4096x320 @ 320x1280", TensorOp.Matmul, [[4096, 320], [320, 1280]], 5, 15),
        new("attention self 1x8x4096x40", TensorOp.Attention, [[1, 8, 4096, 40], [1, 8, 4096, 40]], 1, 7),
        new("attention cross 1x8x4096x40 kv 77", TensorOp.Attention, [[1, 8, 4096, 40], [1, 8, 77, 40]], 5, 15),
    ];

    /// <summary>
    /// The op on inputs drawn on the CPU and moved to <paramref name="device"/> (owned by the caller's dispose scope);
    /// each call disposes its result.
    /// </summary>
    public Action Prepare(Generator generator, Device device)
    {
        Tensor Draw(long[] shape) => torch.randn(shape, generator).to(device);
        var a = Draw(Shapes[0]);
        var b = Draw(Shapes.Length > 1 ? Shapes[1] : Shapes[0]);
        return Op switch
        {
            TensorOp.Add => () => (a + b).Dispose(),
            TensorOp.MulScalar => () => (a * 2.0).Dispose(),
            TensorOp.View => () => a.view(-1).Dispose(),
            TensorOp.Conv2d => Conv2d(a, b, Draw([Shapes[1][0]])),
            TensorOp.Matmul => () => a.matmul(b).Dispose(),
            TensorOp.Attention => Attention(a, b, Draw(Shapes[1])),
            _ => throw new NotSupportedException(Op.ToString()),
        };
    }

    private static Action Conv2d(Tensor input, Tensor weight, Tensor bias) =>
        () => F.conv2d(input, weight, bias, padding: 1).Dispose();

    private static Action Attention(Tensor query, Tensor key, Tensor value) =>
        () => F.scaled_dot_product_attention(query, key, value).Dispose();
}
