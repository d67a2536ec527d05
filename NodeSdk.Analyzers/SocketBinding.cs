using System.Linq;
using Microsoft.CodeAnalysis;

namespace Workflow.NodeSdk.Analyzers;

/// <summary>Which types cross sockets, as the host's SocketTypeNames decides it, on Roslyn's symbols.</summary>
internal static class SocketBinding
{
    private const string Sdk = "Workflow.NodeSdk";

    public static bool IsSdkType(ITypeSymbol? type, string name) =>
        type is not null && type.Name == name && type.ContainingNamespace?.ToDisplayString() == Sdk;

    public static bool IsTask(ITypeSymbol type) =>
        type.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks" && type.Name is "Task" or "ValueTask";

    /// <summary>Parameters the host fills in: the node's context and the prompt's cancellation.</summary>
    public static bool IsSuppliedByHost(ITypeSymbol type) =>
        IsSdkType(type, "NodeContext") || (type.Name == "CancellationToken" && type.ContainingNamespace?.ToDisplayString() == "System.Threading");

    /// <summary>T of <c>IReadOnlyList&lt;T&gt;</c> (a list output, or an input of a node with InputIsList); null otherwise.</summary>
    public static ITypeSymbol? ListElement(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "IReadOnlyList", TypeArguments.Length: 1 } list
        && list.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic"
            ? list.TypeArguments[0]
            : null;

    public static bool IsBound(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            type = nullable.TypeArguments[0];
        switch (type.SpecialType)
        {
            case SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt64:
            case SpecialType.System_Double or SpecialType.System_Single:
            case SpecialType.System_String or SpecialType.System_Boolean or SpecialType.System_Object:
                return true;
        }
        if (type.TypeKind == TypeKind.Enum)
            return true;
        for (var t = type; t is not null; t = t.BaseType)
            if (HasSocketType(t))
                return true;
        return type.AllInterfaces.Any(HasSocketType);
    }

    private static bool HasSocketType(ITypeSymbol type) =>
        type.GetAttributes().Any(a => IsSdkType(a.AttributeClass, "SocketTypeAttribute"));
}
