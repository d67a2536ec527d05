using System.Text.RegularExpressions;

namespace Workflow.Torch.Modules;

/// <summary>
/// A block of a model that owns its weights. The key tree is built in constructors: each child, parameter and
/// buffer is registered under its exact checkpoint key segment, so <c>down_blocks.0.resnets.1.conv1.weight</c>
/// can be read off the constructors. Parameters never belong to a dispose scope; <see cref="Dispose"/> frees them.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Module Module)> _children = [];
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    private readonly List<(string Name, Tensor Tensor, bool Persistent)> _buffers = [];
    private bool _disposed;

    /// <summary>Registers a child module under <paramref name="name"/>; returns it.</summary>
    protected T Register<T>(string name, T module) where T : Module
    {
        ClaimName(name);
        _children.Add((name, module));
        return module;
    }

    /// <summary>Registers an uninitialised float32 CPU parameter of the given shape (to be loaded); returns it.</summary>
    protected Tensor Parameter(string name, params ReadOnlySpan<long> shape) => Parameter(name, torch.empty(shape));

    /// <summary>Registers <paramref name="value"/> as a parameter; the module takes ownership.</summary>
    protected Tensor Parameter(string name, Tensor value)
    {
        ClaimName(name);
        _parameters.Add((name, value.DetachFromDisposeScope()));
        return value;
    }

    /// <summary>
    /// Registers a buffer (state that is not a weight, such as position ids); the module takes ownership.
    /// A persistent buffer is part of the state dict.
    /// </summary>
    protected Tensor Buffer(string name, Tensor value, bool persistent = true)
    {
        ClaimName(name);
        _buffers.Add((name, value.DetachFromDisposeScope(), persistent));
        return value;
    }

    public IEnumerable<(string Name, Module Module)> named_children() => _children;

    /// <summary>This module (named "") and every descendant, by dotted path.</summary>
    public IEnumerable<(string Name, Module Module)> named_modules() => Walk("").Select(m => (m.Prefix.TrimEnd('.'), m.Module));

    public IEnumerable<(string Name, Tensor Tensor)> named_parameters() =>
        Walk("").SelectMany(m => m.Module._parameters.Select(p => (m.Prefix + p.Name, p.Tensor)));

    public IEnumerable<(string Name, Tensor Tensor)> named_buffers() =>
        Walk("").SelectMany(m => m.Module._buffers.Select(b => (m.Prefix + b.Name, b.Tensor)));

    /// <summary>Parameters and persistent buffers by dotted key: the module's own tensors, not copies.</summary>
    public IReadOnlyDictionary<string, Tensor> state_dict() =>
        Walk("").SelectMany(m => m.Module.OwnState().Select(s => (Key: m.Prefix + s.Name, s.Tensor)))
            .ToDictionary(s => s.Key, s => s.Tensor);

    public IncompatibleKeys load_state_dict(IReadOnlyDictionary<string, Tensor> state_dict, bool strict = true,
        IReadOnlyCollection<string>? ignore = null) =>
        load_state_dict(new StateDictSource(state_dict), strict, ignore);

    /// <summary>
    /// Copies every tensor of <paramref name="source"/> into the parameter or buffer with the same key, converting
    /// dtype and device; a tensor the source can share as it is (a mapped file's, at the parameter's dtype on the CPU:
    /// <see cref="ITensorSource.TryShare"/>) becomes the parameter's memory instead of being copied. Before copying
    /// anything it checks all keys and reports every problem in one
    /// <see cref="StateDictException"/>: shape mismatches always, missing and unexpected keys when
    /// <paramref name="strict"/>. Keys matching an <paramref name="ignore"/> pattern (a regex, searched as
    /// diffusers' _keys_to_ignore_on_load_*) are never reported missing or unexpected.
    /// </summary>
    public IncompatibleKeys load_state_dict(ITensorSource source, bool strict = true, IReadOnlyCollection<string>? ignore = null)
    {
        var expected = state_dict();
        var isIgnored = IgnorePredicate(ignore);
        var missing = new List<string>();
        var mismatched = new List<ShapeMismatch>();
        foreach (var (key, tensor) in expected)
        {
            if (!source.TryGetShape(key, out var actual))
            {
                if (!isIgnored(key))
                    missing.Add(key);
            }
            else if (tensor.shape is var shape && !shape.AsSpan().SequenceEqual(actual))
            {
                mismatched.Add(new ShapeMismatch(key, shape, actual));
            }
        }
        var unexpected = source.Keys.Where(k => !expected.ContainsKey(k) && !isIgnored(k)).Order(StringComparer.Ordinal).ToList();
        if (mismatched.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            throw new StateDictException(GetType().Name, missing, unexpected, mismatched);
        foreach (var (key, tensor) in expected)
            if (source.TryGetShape(key, out _) && !source.TryShare(key, tensor))
                source.CopyTo(key, tensor);
        return new IncompatibleKeys(missing, unexpected);
    }

    /// <summary>
    /// Converts floating-point parameters and buffers to <paramref name="dtype"/> and moves all of them to
    /// <paramref name="device"/>, in place: fields holding them stay valid. See <see cref="ModuleExtensions"/>.
    /// </summary>
    internal void Convert(ScalarType? dtype, Device? device)
    {
        foreach (var (_, tensor) in named_parameters().Concat(named_buffers()))
        {
            var type = dtype is { } target && tensor.is_floating_point() ? target : tensor.dtype;
            using var converted = tensor.to(type, device ?? tensor.device);
            tensor.Assign(converted);
        }
    }

    /// <summary>Frees every parameter and buffer of this module and its children.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var (_, tensor) in _parameters)
            tensor.Dispose();
        foreach (var (_, tensor, _) in _buffers)
            tensor.Dispose();
        foreach (var (_, child) in _children)
            child.Dispose();
    }

    private IEnumerable<(string Name, Tensor Tensor)> OwnState() =>
        _parameters.Concat(_buffers.Where(b => b.Persistent).Select(b => (b.Name, b.Tensor)));

    private IEnumerable<(string Prefix, Module Module)> Walk(string prefix) =>
        _children.SelectMany(c => c.Module.Walk(prefix + c.Name + ".")).Prepend((prefix, this));

    private void ClaimName(string name)
    {
        if (name.Length == 0 || name.Contains('.'))
            throw new ArgumentException($"'{name}' is not a key segment (non-empty, no dots)", nameof(name));
        if (_children.Any(c => c.Name == name) || _parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name))
            throw new ArgumentException($"{GetType().Name} already has a child, parameter or buffer named '{name}'", nameof(name));
    }

    private static Func<string, bool> IgnorePredicate(IReadOnlyCollection<string>? patterns)
    {
        if (patterns is null || patterns.Count == 0)
            return _ => false;
        var regexes = patterns.Select(p => new Regex(p, RegexOptions.CultureInvariant)).ToArray();
        return key => regexes.Any(r => r.IsMatch(key));
    }
}
