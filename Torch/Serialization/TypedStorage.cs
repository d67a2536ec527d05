namespace Workflow.Torch.Serialization;

/// <summary>
/// A storage a pickle names by persistent id, as torch.serialization's persistent_load rebuilds it: the key of its
/// bytes in the file (archive/data/KEY, or an entry of the legacy format's storage section), its dtype and element
/// count. A legacy-format view (a storage inside another) starts <see cref="ElementOffset"/> elements into the
/// bytes of <see cref="Key"/>. Nothing is read until a tensor on it is loaded.
/// </summary>
public sealed class TypedStorage
{
    internal TypedStorage(object file, string key, ScalarType dtype, long numel, string location, long elementOffset = 0) =>
        (File, Key, Dtype, Numel, Location, ElementOffset) = (file, key, dtype, numel, location, elementOffset);

    /// <summary>The key its bytes are stored under (the root storage's, for a view).</summary>
    public string Key { get; }

    public ScalarType Dtype { get; }

    public long Numel { get; }

    /// <summary>Where it was saved from ("cpu", "cuda:0"); tensors load wherever the caller asks.</summary>
    public string Location { get; }

    public long ElementOffset { get; }

    /// <summary>Where the storage starts within the bytes stored under <see cref="Key"/>.</summary>
    public long ByteOffset => ElementOffset * Dtype.ElementSize();

    public long ByteLength => Numel * Dtype.ElementSize();

    /// <summary>The file whose bytes these are: a tensor is only ever read from the file it was unpickled from.</summary>
    internal object File { get; }

    public override string ToString() => $"{Dtype.ToTorchString()} storage '{Key}' of {Numel}";
}
