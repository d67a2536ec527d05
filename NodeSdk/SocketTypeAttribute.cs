namespace Workflow.NodeSdk;

/// <summary>
/// Binds a CLR type to an upper-case socket type name (LATENT, MODEL, ...). Types that cross plugin borders
/// live in this SDK (or in a plugin that others reference), so the name means the same type everywhere.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Interface | AttributeTargets.Struct, Inherited = false)]
public sealed class SocketTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Names of the socket types built into the host.</summary>
public static class SocketTypes
{
    public const string Int = "INT";
    public const string Float = "FLOAT";
    public const string String = "STRING";
    public const string Boolean = "BOOLEAN";
    public const string Combo = "COMBO";

    /// <summary>Accepts any type (a parameter of type object).</summary>
    public const string Any = "*";
}
