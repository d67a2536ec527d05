using System.Globalization;
using Workflow.Torch.Serialization.Pickle;

namespace Workflow.Torch.Serialization;

/// <summary>
/// The state dict inside an unpickled checkpoint, found as ComfyUI's comfy.utils.load_torch_file finds it: the
/// value under "state_dict" when there is one (Lightning .ckpt files), else the value of a dict's only key when
/// that is a dict, else the whole object. Nested dicts (an IP-Adapter .bin's {"image_proj": ..., "ip_adapter":
/// ...}) and lists flatten to dotted names, as safetensors files name the same tensors; other values are skipped.
/// </summary>
internal static class StateDict
{
    public static List<(string Name, StoredTensor Tensor)> Flatten(object? root, string path, PickleLimits limits)
    {
        var tensors = new List<(string, StoredTensor)>();
        new Walk(path, limits, tensors).Visit(Select(root, path));
        return tensors;
    }

    private static object? Select(object? root, string path)
    {
        if (root is not PickleDict dict)
            return root is StoredTensor
                ? throw new PyTorchFileException(path, "holds a single tensor, not a state dict of named tensors")
                : root;
        if (dict.TryGetValue("state_dict", out var stateDict))
            return stateDict is PickleDict
                ? stateDict
                : throw new PyTorchFileException(path, $"its 'state_dict' is a {PickleValues.TypeName(stateDict)}, not a dict of tensors");
        return dict.Count == 1 && dict.First().Value is PickleDict only ? only : dict;
    }

    /// <summary>
    /// A depth-first walk bounded in depth and steps, refusing cycles (a list that contains itself). Names are built
    /// only for the tensors found, so a pickle whose shared sublists make billions of paths costs steps, not strings.
    /// </summary>
    private sealed class Walk(string path, PickleLimits limits, List<(string Name, StoredTensor Tensor)> tensors)
    {
        private readonly HashSet<object> _open = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private readonly List<(string? Key, long Index)> _path = [];
        private long _steps;

        public void Visit(object? value)
        {
            if (++_steps > limits.MaxValues)
                throw new PyTorchFileException(path, $"walking its state dict takes more than {limits.MaxValues} steps (PickleLimits.MaxValues)");
            switch (value)
            {
                case StoredTensor tensor:
                    Add(tensor);
                    break;
                case PickleDict dict:
                    Enter(dict);
                    foreach (var (key, child) in dict)
                        if (key is string or long)
                            VisitChild(child, key as string, key is long index ? index : 0);
                    _open.Remove(dict);
                    break;
                case IReadOnlyList<object?> items:
                    Enter(items);
                    for (var i = 0; i < items.Count; i++)
                        VisitChild(items[i], null, i);
                    _open.Remove(items);
                    break;
            }
        }

        private void VisitChild(object? child, string? key, long index)
        {
            _path.Add((key, index));
            Visit(child);
            _path.RemoveAt(_path.Count - 1);
        }

        private void Enter(object container)
        {
            if (_path.Count >= limits.MaxDepth)
                throw new PyTorchFileException(path, $"its state dict nests deeper than {limits.MaxDepth} at '{Name()}' (PickleLimits.MaxDepth)");
            if (!_open.Add(container))
                throw new PyTorchFileException(path, $"its state dict contains itself at '{Name()}'");
        }

        private void Add(StoredTensor tensor)
        {
            if (_path.Count == 0)
                throw new PyTorchFileException(path, "holds a single tensor, not a state dict of named tensors");
            var name = Name();
            if (!_names.Add(name))
                throw new PyTorchFileException(path, $"two tensors flatten to the name '{name}'");
            tensors.Add((name, tensor));
        }

        /// <summary>The dotted name of the current position: dict keys (str, or int in decimal) and list positions.</summary>
        private string Name() => string.Join('.', _path.Select(p => p.Key ?? p.Index.ToString(CultureInfo.InvariantCulture)));
    }
}
