namespace Workflow.NodeSdk;

/// <summary>
/// Thrown by a node when an input value cannot be used (a missing file, an image that is not an image).
/// The host reports it with the node's id and type, the input's name and the value.
/// </summary>
public sealed class InputException(string inputName, object? value, string message, Exception? inner = null)
    : Exception($"{inputName} = {Describe(value)}: {message}", inner)
{
    public string InputName { get; } = inputName;

    public object? Value { get; } = value;

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        _ => value.ToString() ?? value.GetType().Name,
    };
}
