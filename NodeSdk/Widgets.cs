namespace Workflow.NodeSdk;

/// <summary>Names an input on the wire and describes it. Without it the wire name is the parameter name in snake_case.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Wire name, when snake_case of the parameter name is not ComfyUI's name.</summary>
    public string? Name { get; init; }

    public string? Tooltip { get; init; }

    /// <summary>Show a widget-typed input as a socket only (ComfyUI's forceInput).</summary>
    public bool ForceInput { get; init; }

    /// <summary>
    /// Evaluated only when the node asks for it (ComfyUI's "lazy": true): the node implements <see cref="ILazyInputs"/>,
    /// and the parameter is null until asked for, so it is a reference type or nullable.
    /// </summary>
    public bool Lazy { get; init; }
}

/// <summary>An INT widget (parameter of type int, long or ulong).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class IntAttribute : Attribute
{
    public long Min { get; init; } = long.MinValue;
    public long Max { get; init; } = long.MaxValue;
    public long Step { get; init; } = 1;
}

/// <summary>A seed widget: INT from 0 to 2^64-1 (parameter of type ulong), shown with ComfyUI's control_after_generate.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class SeedAttribute : Attribute;

/// <summary>A FLOAT widget (parameter of type double or float).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class FloatAttribute : Attribute
{
    public double Min { get; init; } = double.NegativeInfinity;
    public double Max { get; init; } = double.PositiveInfinity;
    public double Step { get; init; } = 0.1;

    /// <summary>Rounding the UI applies; 0 means none.</summary>
    public double Round { get; init; }
}

/// <summary>A STRING widget.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class StringAttribute : Attribute
{
    public bool Multiline { get; init; }
    public string? Placeholder { get; init; }
}

/// <summary>A BOOLEAN widget.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class BooleanAttribute : Attribute
{
    public string? LabelOn { get; init; }
    public string? LabelOff { get; init; }
}

/// <summary>
/// A combo (one of a list of strings). The options come from <see cref="Options"/>, from the files of a
/// model folder (<see cref="ModelFolder"/>, as ComfyUI's ckpt_name), from the input folder
/// (<see cref="InputFiles"/>, as LoadImage), or from an <see cref="IComboOptions"/> type.
/// An enum parameter is a combo of its members without this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class ComboAttribute(params string[] options) : Attribute
{
    public string[] Options { get; } = options;

    /// <summary>Folder under the models directory whose files are the options ("checkpoints").</summary>
    public string? ModelFolder { get; init; }

    /// <summary>The files of the input directory are the options; the UI offers an upload button.</summary>
    public bool InputFiles { get; init; }

    /// <summary>A type implementing <see cref="IComboOptions"/> with a parameterless constructor.</summary>
    public Type? OptionsProvider { get; init; }
}

/// <summary>Options of a combo computed when the schema is served or a workflow validated.</summary>
public interface IComboOptions
{
    IReadOnlyList<string> GetOptions(NodePaths paths);
}

/// <summary>The wire name of an enum member used as a combo option, when snake_case of its name is not it.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class WireNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
