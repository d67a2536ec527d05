using Microsoft.CodeAnalysis;

namespace Workflow.NodeSdk.Analyzers;

/// <summary>
/// One descriptor per schema mistake the host's registry refuses at load time (see Host/Registry), with the help a
/// plugin author needs to fix it (docs/writing-plugins.md, "Schema diagnostics", says more).
/// </summary>
public static class Diagnostics
{
    private const string Category = "Workflow.NodeSdk";

    public static readonly DiagnosticDescriptor NoExecute = new(
        "WFN001", "A node needs exactly one public Execute method",
        "Node '{0}': {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "The host calls a node's one public instance method named Execute; its signature is the node's schema. Add one, or merge the overloads.");

    public static readonly DiagnosticDescriptor UnboundType = new(
        "WFN002", "Type bound to no socket type",
        "Node '{0}': {1} has type {2}, which is bound to no socket type",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Inputs and outputs are int, long, ulong, double, float, string, bool, an enum, object (any), or a type marked [SocketType(\"NAME\")] (on itself, a base class or an interface). A Task may only be Execute's return type.");

    public static readonly DiagnosticDescriptor DefaultOutOfRange = new(
        "WFN003", "Widget default outside its range",
        "Node '{0}': input '{1}' defaults to {2}, outside [{3}, {4}]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "The C# default is the widget's default; it must lie within the [Int]/[Float] attribute's Min and Max.");

    public static readonly DiagnosticDescriptor DuplicateInput = new(
        "WFN004", "Two inputs with one wire name",
        "Node '{0}': input name '{1}' is used by {2} parameters",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "A parameter's wire name is its name in snake_case (batchSize → batch_size) or [Input(Name = ...)]; each must be unique in a node.");

    public static readonly DiagnosticDescriptor EmptyEnumCombo = new(
        "WFN005", "Enum combo without members",
        "Node '{0}': input '{1}' is a combo of enum {2}, which has no members",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "An enum parameter is a combo whose options are the enum's members; an enum without members offers nothing to choose.");
}
