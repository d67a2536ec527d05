using Workflow.NodeSdk;

namespace Workflow.Nodes.Camera.Nodes;

/// <summary>
/// Turns the camera math's <see cref="FormatException"/>s (text that does not parse) and <see cref="ArgumentException"/>s
/// (values a camera record refuses) into what the host reports: an <see cref="InputException"/> while running, an
/// <see cref="InputProblem"/> while validating, both naming the input.
/// </summary>
internal static class InputErrors
{
    public static T Run<T>(string inputName, object? value, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException)
        {
            throw Refusal(inputName, value, ex.Message, ex);
        }
    }

    /// <summary>The error for an input that cannot be used, its value shortened if it is long text.</summary>
    public static InputException Refusal(string inputName, object? value, string message, Exception? inner = null) =>
        new(inputName, Abbreviated(value), message, inner);

    /// <summary>The problem <paramref name="check"/> finds with a literal input, or none; linked inputs are not checked here.</summary>
    public static IEnumerable<InputProblem> Check<T>(InputValues literals, string inputName, Action<T> check)
    {
        if (!literals.Contains(inputName) || literals.GetOrDefault<T>(inputName) is not { } value)
            return [];
        try
        {
            check(value);
            return [];
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException)
        {
            return [new InputProblem(inputName, ex.Message)];
        }
    }

    /// <summary>Long text (a pasted pose array) shortened for the error message; the reason says what is wrong with it.</summary>
    private static object? Abbreviated(object? value) => value is string { Length: > 80 } text ? text[..77] + "..." : value;
}
