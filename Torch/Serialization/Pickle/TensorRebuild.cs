namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// torch/_utils.py's tensor rebuild functions as torch.save writes them: _rebuild_tensor (storage, storage_offset,
/// size, stride), _rebuild_tensor_v2 (+ requires_grad, backward_hooks[, metadata]), _rebuild_tensor_v3 (+ dtype,
/// on an untyped storage) and _rebuild_parameter[_with_state]. Each checks its view lies inside the storage.
/// </summary>
internal static class TensorRebuild
{
    private static readonly PickleGlobal LegacyName = new("torch._utils._rebuild_tensor", GlobalKind.RebuildTensor);
    private static readonly PickleGlobal V2Name = new("torch._utils._rebuild_tensor_v2", GlobalKind.RebuildTensorV2);
    private static readonly PickleGlobal V3Name = new("torch._utils._rebuild_tensor_v3", GlobalKind.RebuildTensorV3);

    public static StoredTensor Legacy(PickleTuple args) => View(GlobalCalls.Only(args, LegacyName, 4), LegacyName, dtype: null);

    public static StoredTensor V2(PickleTuple args) => View(GlobalCalls.Only(args, V2Name, 6, 7), V2Name, dtype: null);

    public static StoredTensor V3(PickleTuple args)
    {
        GlobalCalls.Only(args, V3Name, 7, 8);
        var dtype = args[6] is PickleGlobal { Kind: GlobalKind.Dtype, Dtype: ScalarType d }
            ? d
            : throw new PickleError($"'{V3Name}': dtype is a {PickleValues.TypeName(args[6])}, not a torch dtype");
        return View(args, V3Name, dtype);
    }

    /// <summary>_rebuild_parameter(data, requires_grad, backward_hooks[, state]): the tensor; hooks and Python state are dropped.</summary>
    public static StoredTensor Parameter(PickleTuple args, PickleGlobal global) =>
        GlobalCalls.Only(args, global, global.Kind == GlobalKind.RebuildParameter ? 3 : 4)[0] as StoredTensor
        ?? throw new PickleError($"'{global}' wraps a {PickleValues.TypeName(args[0])}, not a tensor");

    private static StoredTensor View(PickleTuple args, PickleGlobal global, ScalarType? dtype)
    {
        var storage = args[0] as TypedStorage
            ?? throw new PickleError($"'{global}': storage is a {PickleValues.TypeName(args[0])}, not a storage from a persistent id");
        var offset = GlobalCalls.Integer(args[1], global, "storage_offset");
        var shape = Dimensions(args[2], global, "size");
        var stride = Dimensions(args[3], global, "stride");
        return StoredTensor.Rebuild(storage, dtype ?? storage.Dtype, offset, shape, stride);
    }

    private static long[] Dimensions(object? value, PickleGlobal global, string what) => value is PickleTuple or List<object?>
        ? [.. GlobalCalls.Iterable(value, global).Select(v => GlobalCalls.Integer(v, global, what))]
        : throw new PickleError($"'{global}': {what} is a {PickleValues.TypeName(value)}, not a tuple of ints");
}
