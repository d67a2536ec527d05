using System.Text.RegularExpressions;

namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// The globals a weights-only pickle may name: PyTorch's list (torch/_weights_only_unpickler.py,
/// _get_allowed_globals) for what state dicts hold, plus the inert stand-ins ComfyUI adds for old Lightning .ckpt
/// files (comfy/utils.py). A name is looked up, never imported: every other global is refused by name before
/// anything runs. collections.Counter, which PyTorch also allows, is refused: no weight file needs it.
/// </summary>
internal static partial class AllowedGlobals
{
    /// <summary>Modules PyTorch refuses even when a user allow-lists them.</summary>
    private static readonly HashSet<string> BlockedModules = ["sys", "os", "posix", "nt"];

    private static readonly Dictionary<string, GlobalKind> ByName = new(StringComparer.Ordinal)
    {
        ["collections.OrderedDict"] = GlobalKind.OrderedDict,
        ["builtins.set"] = GlobalKind.Set,
        ["builtins.bytearray"] = GlobalKind.ByteArray,
        ["builtins.complex"] = GlobalKind.Complex,
        ["_codecs.encode"] = GlobalKind.Encode,
        ["torch.Size"] = GlobalKind.Size,
        ["torch.device"] = GlobalKind.Device,
        ["torch.Tensor"] = GlobalKind.TensorType,
        ["torch.nn.parameter.Parameter"] = GlobalKind.ParameterType,
        ["torch.UntypedStorage"] = GlobalKind.UntypedStorageType,
        ["torch.storage.UntypedStorage"] = GlobalKind.UntypedStorageType,
        ["torch._utils._rebuild_tensor"] = GlobalKind.RebuildTensor,
        ["torch._utils._rebuild_tensor_v2"] = GlobalKind.RebuildTensorV2,
        ["torch._utils._rebuild_tensor_v3"] = GlobalKind.RebuildTensorV3,
        ["torch._utils._rebuild_parameter"] = GlobalKind.RebuildParameter,
        ["torch._utils._rebuild_parameter_with_state"] = GlobalKind.RebuildParameterWithState,
        ["torch._tensor._rebuild_from_type_v2"] = GlobalKind.RebuildFromTypeV2,
        ["pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint"] = GlobalKind.InertClass,
        ["numpy.dtype"] = GlobalKind.InertClass,
        ["numpy.dtypes.Float64DType"] = GlobalKind.InertClass,
        ["numpy.core.multiarray.scalar"] = GlobalKind.ReturnsNone,
    };

    /// <summary>torch.&lt;X&gt;Storage (and torch.cuda.&lt;X&gt;Storage, as older PyTorch wrote CUDA storages).</summary>
    private static readonly Dictionary<string, ScalarType> StorageDtypes = new(StringComparer.Ordinal)
    {
        ["DoubleStorage"] = ScalarType.Float64,
        ["FloatStorage"] = ScalarType.Float32,
        ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16,
        ["LongStorage"] = ScalarType.Int64,
        ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.UInt8,
        ["BoolStorage"] = ScalarType.Bool,
    };

    private static readonly Dictionary<string, ScalarType> Dtypes = new(StringComparer.Ordinal)
    {
        ["float64"] = ScalarType.Float64,
        ["double"] = ScalarType.Float64,
        ["float32"] = ScalarType.Float32,
        ["float"] = ScalarType.Float32,
        ["float16"] = ScalarType.Float16,
        ["half"] = ScalarType.Float16,
        ["bfloat16"] = ScalarType.BFloat16,
        ["int64"] = ScalarType.Int64,
        ["long"] = ScalarType.Int64,
        ["int32"] = ScalarType.Int32,
        ["int"] = ScalarType.Int32,
        ["int16"] = ScalarType.Int16,
        ["short"] = ScalarType.Int16,
        ["int8"] = ScalarType.Int8,
        ["uint8"] = ScalarType.UInt8,
        ["bool"] = ScalarType.Bool,
    };

    /// <summary>PyTorch's own module renames (torch.serialization's load_module_mapping).</summary>
    private static readonly Dictionary<string, string> ModuleRenames = new(StringComparer.Ordinal) { ["torch.tensor"] = "torch._tensor" };

    /// <summary>The allowed global <paramref name="module"/>.<paramref name="name"/>, or a <see cref="PickleError"/> naming it.</summary>
    public static PickleGlobal Resolve(string module, string name)
    {
        (module, name) = PythonTwoNames.Map(module, name);
        module = ModuleRenames.GetValueOrDefault(module, module);
        var fullName = $"{module}.{name}";
        if (ByName.TryGetValue(fullName, out var kind))
            return new PickleGlobal(fullName, kind);
        if (module is "torch" or "torch.cuda" && StorageDtypes.TryGetValue(name, out var storageDtype))
            return new PickleGlobal(fullName, GlobalKind.StorageType, storageDtype);
        if (module == "torch" && Dtypes.TryGetValue(name, out var dtype))
            return new PickleGlobal(fullName, GlobalKind.Dtype, dtype);
        throw new PickleError(WhyRefused(module, name, fullName), fullName);
    }

    private static string WhyRefused(string module, string name, string fullName)
    {
        if (BlockedModules.Contains(module))
            return $"refused global '{fullName}': module '{module}' is never allowed; nothing was imported or run";
        var notReadHere = NotReadHere(module, name);
        return notReadHere is not null
            ? $"refused global '{fullName}': torch.load(weights_only=True) allows it, but this reader does not rebuild {notReadHere}"
            : $"refused global '{fullName}': not on the weights-only allow-list (tensors, storages and plain containers); nothing was imported or run";
    }

    /// <summary>What an allowed-by-PyTorch global we do not rebuild stands for, or null when PyTorch refuses it too.</summary>
    private static string? NotReadHere(string module, string name) => (module, name) switch
    {
        ("torch._utils", _) when name.StartsWith("_rebuild_", StringComparison.Ordinal) =>
            "quantized, sparse, meta, nested or subclass tensors",
        ("torch" or "torch.cuda", _) when name.EndsWith("Storage", StringComparison.Ordinal) =>
            $"this storage type (read are {string.Join(", ", StorageDtypes.Keys)}, UntypedStorage)",
        ("torch" or "torch.cuda", _) when name.EndsWith("Tensor", StringComparison.Ordinal) => "legacy tensor classes",
        ("torch", _) when OtherDtype().IsMatch(name) =>
            $"this dtype (read are {string.Join(", ", Dtypes.Values.Distinct().Select(t => t.ToTorchString()))})",
        ("torch", _) when name.StartsWith("per_", StringComparison.Ordinal) => "quantization schemes",
        ("torch.serialization", "_get_layout") => "sparse layouts",
        ("collections", "Counter") => "collections.Counter (no weight file needs it)",
        _ => null,
    };

    /// <summary>PyTorch dtypes other than the ten read here: complex, unsigned wider than 8 bits, sub-byte, float8, quantized.</summary>
    [GeneratedRegex(@"^(complex\d+|c(float|double|half)|u?int\d+|float\d+_\w+|float4_\w+|q(u)?int\w+|bits\w+)$")]
    private static partial Regex OtherDtype();
}
