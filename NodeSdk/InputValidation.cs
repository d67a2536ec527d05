namespace Workflow.NodeSdk;

/// <summary>
/// A node's own input checks (ComfyUI's VALIDATE_INPUTS), run after the built-in type, range and combo checks.
/// An input the node names in <see cref="ValidatedInputs"/> is exempt from the built-in range and combo checks.
/// </summary>
public interface IValidateInputs
{
    /// <summary>Wire names of inputs this node checks itself instead of the built-in min/max/combo checks.</summary>
    IReadOnlyCollection<string> ValidatedInputs => [];

    /// <summary>Returns the problems found; empty when the inputs are acceptable. Linked inputs are absent.</summary>
    IEnumerable<InputProblem> Validate(InputValues literals, NodePaths paths);
}

/// <summary>One problem with one input, named by its wire name.</summary>
public sealed record InputProblem(string InputName, string Message);

/// <summary>A node's literal input values by wire name, already converted to the parameter types.</summary>
public sealed class InputValues(IReadOnlyDictionary<string, object?> values)
{
    public bool Contains(string name) => values.ContainsKey(name);

    public T Get<T>(string name) =>
        values.TryGetValue(name, out var value) && value is T typed
            ? typed
            : throw new KeyNotFoundException($"Input '{name}' has no literal value of type {typeof(T).Name}.");

    public T? GetOrDefault<T>(string name) => values.TryGetValue(name, out var value) && value is T typed ? typed : default;

    public IEnumerable<string> Names => values.Keys;
}
