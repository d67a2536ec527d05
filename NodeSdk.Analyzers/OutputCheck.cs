using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Workflow.NodeSdk.Analyzers;

/// <summary>
/// Execute's result, as the host's OutputReader reads it: void or UiOutput (no outputs), Task/ValueTask of one of
/// these, a socket type, or an INodeOutputs record whose primary-constructor parameters are the outputs; an output
/// typed IReadOnlyList&lt;T&gt; is a list of T, and Expansion&lt;T&gt; declares T's outputs.
/// </summary>
internal static class OutputCheck
{
    public static void Check(SymbolAnalysisContext context, string nodeName, IMethodSymbol execute)
    {
        var result = Awaited(execute.ReturnType);
        if (result is INamedTypeSymbol { Name: "Expansion", TypeArguments.Length: 1 } expansion && SocketBinding.IsSdkType(expansion, "Expansion"))
            result = expansion.TypeArguments[0];
        if (result is null || result.SpecialType == SpecialType.System_Void || SocketBinding.IsSdkType(result, "UiOutput"))
            return;
        var where = execute.Locations.FirstOrDefault();
        if (!result.AllInterfaces.Any(i => SocketBinding.IsSdkType(i, "INodeOutputs")))
        {
            if (!SocketBinding.IsBound(SocketBinding.ListElement(result) ?? result))
                context.ReportDiagnostic(Diagnostic.Create(Diagnostics.UnboundType, where, nodeName, "the return type", result.ToDisplayString()));
            return;
        }
        var constructor = ((INamedTypeSymbol)result).InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public)
            .OrderByDescending(c => c.Parameters.Length).FirstOrDefault();
        foreach (var parameter in constructor?.Parameters ?? [])
            if (!SocketBinding.IsSdkType(parameter.Type, "UiOutput") && !SocketBinding.IsBound(SocketBinding.ListElement(parameter.Type) ?? parameter.Type))
                context.ReportDiagnostic(Diagnostic.Create(Diagnostics.UnboundType, parameter.Locations.FirstOrDefault() ?? where,
                    nodeName, $"output '{parameter.Name}'", parameter.Type.ToDisplayString()));
    }

    /// <summary>T of Task&lt;T&gt; or ValueTask&lt;T&gt;; null for a plain Task or ValueTask (no outputs); the type itself otherwise.</summary>
    private static ITypeSymbol? Awaited(ITypeSymbol type)
    {
        if (!SocketBinding.IsTask(type))
            return type;
        return type is INamedTypeSymbol { TypeArguments.Length: 1 } generic ? generic.TypeArguments[0] : null;
    }
}
