using Workflow.Torch.Serialization.Pickle;

namespace Workflow.Torch.Serialization;

/// <summary>
/// A tensor as a pickle describes it (torch._utils._rebuild_tensor_v2): a strided view of a storage, checked to lie
/// inside it, not yet read. Views sharing a storage (a weight and its transpose, slices with offsets) are several
/// of these on one <see cref="TypedStorage"/>; loading one reads exactly the elements it covers.
/// </summary>
public sealed class StoredTensor
{
    /// <summary>Tensors of more dimensions than this are refused (PyTorch's own kernels stop at 64 too).</summary>
    public const int MaxDimensions = 64;

    private StoredTensor(TypedStorage storage, ScalarType dtype, long storageOffset, long[] shape, long[] stride, long byteSpan) =>
        (Storage, Dtype, StorageOffset, Shape, Stride, ByteSpan) = (storage, dtype, storageOffset, shape, stride, byteSpan);

    public TypedStorage Storage { get; }

    public ScalarType Dtype { get; }

    /// <summary>The first element, counted in <see cref="Dtype"/> elements from the storage's start.</summary>
    public long StorageOffset { get; }

    public long[] Shape { get; }

    public long[] Stride { get; }

    /// <summary>Where the first element lies within the bytes stored under the storage's key.</summary>
    internal long ByteOffset => Storage.ByteOffset + StorageOffset * Dtype.ElementSize();

    /// <summary>The bytes from the first element to one past the last the view touches.</summary>
    internal long ByteSpan { get; }

    public override string ToString() => $"{Dtype.ToTorchString()} [{string.Join(", ", Shape)}] on storage '{Storage.Key}'";

    /// <summary>torch's t.set_(storage, offset, size, stride), refusing any view that reaches outside the storage.</summary>
    internal static StoredTensor Rebuild(TypedStorage storage, ScalarType dtype, long storageOffset, long[] shape, long[] stride)
    {
        var described = $"tensor [{string.Join(", ", shape)}] (stride [{string.Join(", ", stride)}], storage offset {storageOffset})";
        if (shape.Length > MaxDimensions)
            throw new PickleError($"{described} has {shape.Length} dimensions; at most {MaxDimensions} are read");
        if (shape.Length != stride.Length)
            throw new PickleError($"{described} has {shape.Length} sizes but {stride.Length} strides");
        if (storageOffset < 0 || shape.Any(s => s < 0) || stride.Any(s => s < 0))
            throw new PickleError($"{described} has a negative size, stride or offset");
        var capacity = storage.ByteLength / dtype.ElementSize();
        var end = EndElement(storageOffset, shape, stride)
            ?? throw new PickleError($"{described} overflows 64-bit element indices");
        if (end > capacity)
            throw new PickleError(
                $"{described} reaches element {end} of storage '{storage.Key}', which holds {capacity} {dtype.ToTorchString()} elements");
        return new StoredTensor(storage, dtype, storageOffset, shape, stride, (end - storageOffset) * dtype.ElementSize());
    }

    /// <summary>One past the last element the view touches (the offset itself for an empty tensor), or null on overflow.</summary>
    private static long? EndElement(long storageOffset, long[] shape, long[] stride)
    {
        try
        {
            if (shape.Any(s => s == 0))
                return storageOffset;
            var last = storageOffset;
            for (var d = 0; d < shape.Length; d++)
                last = checked(last + (shape[d] - 1) * stride[d]);
            return checked(last + 1);
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
