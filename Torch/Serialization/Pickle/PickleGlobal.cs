namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// A global (class or function) that the allow-list let through, named as in the pickle ("torch.FloatStorage").
/// Nothing is imported: the unpickler knows what each allowed name does, and <see cref="Kind"/> says which it is.
/// </summary>
public sealed class PickleGlobal : IEquatable<PickleGlobal>
{
    internal PickleGlobal(string fullName, GlobalKind kind, ScalarType? dtype = null) => (FullName, Kind, Dtype) = (fullName, kind, dtype);

    /// <summary>module.name, after Python 2 module names are mapped to Python 3's.</summary>
    public string FullName { get; }

    internal GlobalKind Kind { get; }

    /// <summary>The element type of a storage class or dtype global (torch.HalfStorage, torch.float16).</summary>
    public ScalarType? Dtype { get; }

    public bool Equals(PickleGlobal? other) => other is not null && other.FullName == FullName;

    public override bool Equals(object? obj) => Equals(obj as PickleGlobal);

    public override int GetHashCode() => FullName.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => FullName;
}

/// <summary>What an allowed global is, which decides what REDUCE, NEWOBJ and BUILD may do with it.</summary>
internal enum GlobalKind
{
    OrderedDict,
    Set,
    ByteArray,
    Complex,
    Encode,
    Size,
    Device,
    Dtype,
    StorageType,
    UntypedStorageType,
    TensorType,
    ParameterType,
    RebuildTensor,
    RebuildTensorV2,
    RebuildTensorV3,
    RebuildParameter,
    RebuildParameterWithState,
    RebuildFromTypeV2,

    /// <summary>A class ComfyUI allows as an inert stand-in (old Lightning checkpoints): instances keep their state, nothing else.</summary>
    InertClass,

    /// <summary>A function ComfyUI allows as a stand-in that returns None (numpy.core.multiarray.scalar).</summary>
    ReturnsNone,
}
