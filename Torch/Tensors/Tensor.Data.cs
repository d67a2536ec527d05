using Workflow.Torch.Interop;

namespace Workflow.Torch;

// Reading values back into C#, and writing them in.
public sealed unsafe partial class Tensor
{
    /// <summary>Every element, converted to <typeparamref name="T"/>, in row-major order (from any device, any strides).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var result = new T[numel()];
        fixed (T* p = result)
            TorchException.ThrowIfFailed(
                Native.wt_copy_to_buffer(Handle, p, (int)ScalarTypeExtensions.Of<T>(), (long)result.Length * sizeof(T)));
        GC.KeepAlive(this);
        return result;
    }

    /// <summary>The value of a one-element tensor, converted to <typeparamref name="T"/>.</summary>
    public T item<T>() where T : unmanaged
    {
        T value;
        TorchException.ThrowIfFailed(Native.wt_item(Handle, (int)ScalarTypeExtensions.Of<T>(), &value));
        GC.KeepAlive(this);
        return value;
    }

    /// <summary>
    /// The elements in place, without a copy: only for a contiguous CPU tensor whose dtype is <typeparamref name="T"/>.
    /// The span is valid while this tensor is alive.
    /// </summary>
    public Span<T> data<T>() where T : unmanaged
    {
        var expected = ScalarTypeExtensions.Of<T>();
        if (dtype != expected || device.Type != DeviceType.CPU || !is_contiguous())
            throw new InvalidOperationException(
                $"data<{typeof(T).Name}>() needs a contiguous cpu {expected.ToTorchString()} tensor, this is {this}" +
                (is_contiguous() ? "" : " (not contiguous)"));
        return new Span<T>(Native.wt_data_ptr(Handle), checked((int)numel()));
    }

    /// <summary>
    /// The raw bytes of the elements in place (TorchSharp's <c>bytes</c>), whatever the dtype: only for a contiguous CPU
    /// tensor. The span is valid while this tensor is alive.
    /// </summary>
    public Span<byte> bytes
    {
        get
        {
            if (device.Type != DeviceType.CPU || !is_contiguous())
                throw new InvalidOperationException($"bytes needs a contiguous cpu tensor, this is {this}" + (is_contiguous() ? "" : " (not contiguous)"));
            return new Span<byte>(Native.wt_data_ptr(Handle), checked((int)(numel() * element_size())));
        }
    }

    /// <summary>Copies <paramref name="source"/> into this tensor (broadcasting, converting dtype and device); returns this.</summary>
    public Tensor copy_(Tensor source) => InPlace(&Native.wt_copy_, source);
}
