using System.Text.Json.Nodes;
using Workflow.NodeSdk;

namespace Workflow.Host.Registry;

/// <summary>
/// One input of a node: a socket, or a widget (INT, FLOAT, STRING, BOOLEAN, combo) that also accepts a link.
/// <paramref name="ClrType"/> is the type of one value (a list-taking node's parameter is a list of it); a lazy input is
/// evaluated only when the node asks for it.
/// </summary>
public sealed record InputDefinition(
    string Name,
    string SocketType,
    Type ClrType,
    bool Required,
    int ParameterIndex,
    InputConstraints Constraints,
    DefaultValue Default,
    string? Tooltip,
    bool ForceInput,
    bool Lazy)
{
    public bool IsWidget => Constraints is not SocketConstraints;
}

/// <summary>A widget's default, or none.</summary>
public readonly record struct DefaultValue(bool Exists, object? Value)
{
    public static DefaultValue None => default;
    public static DefaultValue Of(object? value) => new(true, value);
}

/// <summary>What a literal for an input may be; a closed family, one record per widget kind.</summary>
public abstract record InputConstraints;

/// <summary>A socket-only input (MODEL, LATENT, ...): no literal is accepted.</summary>
public sealed record SocketConstraints : InputConstraints
{
    public static SocketConstraints Instance { get; } = new();
}

/// <summary>INT: bounds as Int128 so that int, long and ulong (seeds up to 2^64-1) share one check.</summary>
public sealed record IntConstraints(Int128 Min, Int128 Max, long Step, bool IsSeed) : InputConstraints;

public sealed record FloatConstraints(double Min, double Max, double Step, double Round) : InputConstraints;

public sealed record StringConstraints(bool Multiline, string? Placeholder) : InputConstraints;

public sealed record BooleanConstraints(string? LabelOn, string? LabelOff) : InputConstraints;

/// <summary>A combo; options are computed when asked because they may list files. An enum combo maps wire names to members.</summary>
public sealed record ComboConstraints(Func<NodePaths, IReadOnlyList<string>> Options, bool ImageUpload, IReadOnlyDictionary<string, object>? EnumMembers) : InputConstraints;
