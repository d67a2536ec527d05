using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflow.Host.Registry;

namespace Workflow.NodeSdk.Analyzers;

/// <summary>
/// Checks every [Node] class as the host's NodeDefinitionReader will when it loads the plugin, and reports the same
/// mistakes at build time, on the line at fault: no single public Execute, a type bound to no socket type, a default
/// outside its [Int]/[Float] range, two inputs with one wire name, an enum combo without members.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NodeSchemaAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Diagnostics.NoExecute, Diagnostics.UnboundType, Diagnostics.DefaultOutOfRange, Diagnostics.DuplicateInput, Diagnostics.EmptyEnumCombo);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var node = type.GetAttributes().FirstOrDefault(a => SocketBinding.IsSdkType(a.AttributeClass, "NodeAttribute"));
        if (node is null)
            return;
        var nodeName = node.ConstructorArguments.FirstOrDefault().Value as string ?? type.Name;
        var executes = type.GetMembers("Execute").OfType<IMethodSymbol>()
            .Where(m => m.DeclaredAccessibility == Accessibility.Public && !m.IsStatic).ToList();
        if (executes.Count != 1)
        {
            var problem = executes.Count == 0 ? "it has no public Execute method" : $"it has {executes.Count} Execute overloads; the schema needs exactly one";
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.NoExecute, type.Locations.FirstOrDefault(), nodeName, problem));
            return;
        }
        var execute = executes[0];
        bool inputIsList = node.NamedArguments.Any(n => n.Key == "InputIsList" && n.Value.Value is true);
        var inputs = new List<(string Name, IParameterSymbol Parameter)>();
        foreach (var parameter in execute.Parameters)
        {
            if (SocketBinding.IsSuppliedByHost(parameter.Type))
                continue;
            var wireName = WireNameOf(parameter);
            inputs.Add((wireName, parameter));
            CheckInput(context, nodeName, wireName, parameter, inputIsList);
        }
        foreach (var duplicate in inputs.GroupBy(i => i.Name).Where(g => g.Count() > 1))
            foreach (var (_, parameter) in duplicate.Skip(1))
                context.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateInput, Where(parameter), nodeName, duplicate.Key, duplicate.Count()));
        OutputCheck.Check(context, nodeName, execute);
    }

    private static string WireNameOf(IParameterSymbol parameter) =>
        parameter.GetAttributes().Where(a => SocketBinding.IsSdkType(a.AttributeClass, "InputAttribute"))
            .SelectMany(a => a.NamedArguments).Where(n => n.Key == "Name").Select(n => n.Value.Value as string).FirstOrDefault()
        ?? WireNames.ToSnakeCase(parameter.Name);

    /// <summary>One input; a node with InputIsList takes each as IReadOnlyList&lt;T&gt;, checked as T.</summary>
    private static void CheckInput(SymbolAnalysisContext context, string nodeName, string wireName, IParameterSymbol parameter, bool inputIsList)
    {
        var type = inputIsList ? SocketBinding.ListElement(parameter.Type) ?? parameter.Type : parameter.Type;
        if (!SocketBinding.IsBound(type))
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.UnboundType, Where(parameter), nodeName, $"input '{wireName}'", parameter.Type.ToDisplayString()));
            return;
        }
        var valueType = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n ? n.TypeArguments[0] : parameter.Type;
        if (valueType.TypeKind == TypeKind.Enum && !valueType.GetMembers().OfType<IFieldSymbol>().Any(f => f.IsConst))
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.EmptyEnumCombo, Where(parameter), nodeName, wireName, valueType.Name));
        if (parameter.HasExplicitDefaultValue && parameter.ExplicitDefaultValue is { } value && RangeOf(parameter) is var (min, max)
            && System.Convert.ToDouble(value, CultureInfo.InvariantCulture) is var number && (number < min || number > max))
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.DefaultOutOfRange, Where(parameter), nodeName, wireName,
                Format(value), Format(min), Format(max)));
    }

    /// <summary>Min and Max of an [Int] or [Float] attribute, defaulting as the attributes do.</summary>
    private static (double Min, double Max)? RangeOf(IParameterSymbol parameter)
    {
        var widget = parameter.GetAttributes().FirstOrDefault(a =>
            SocketBinding.IsSdkType(a.AttributeClass, "IntAttribute") || SocketBinding.IsSdkType(a.AttributeClass, "FloatAttribute"));
        if (widget is null)
            return null;
        double Named(string key, double fallback) => widget.NamedArguments.Where(n => n.Key == key)
            .Select(n => System.Convert.ToDouble(n.Value.Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(fallback).First();
        return (Named("Min", double.NegativeInfinity), Named("Max", double.PositiveInfinity));
    }

    private static string Format(object value) => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static Location? Where(IParameterSymbol parameter) => parameter.Locations.FirstOrDefault();
}
