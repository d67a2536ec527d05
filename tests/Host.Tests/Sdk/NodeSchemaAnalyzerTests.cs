extern alias Analyzers;

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflow.Host.Registry;
using Workflow.NodeSdk;
using NodeSchemaAnalyzer = Analyzers::Workflow.NodeSdk.Analyzers.NodeSchemaAnalyzer;

namespace Workflow.Host.Tests.Sdk;

/// <summary>
/// The analyzer in the SDK package reports at build time what the registry refuses at load time: each sample node
/// below carries one mistake, is compiled with the analyzer, and must get that diagnostic (and the registry, reading
/// the same class, must refuse it too, so the two never drift apart).
/// </summary>
public sealed class NodeSchemaAnalyzerTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks; using Workflow.NodeSdk;\n";

    public static TheoryData<string, string, string> Mistakes => new()
    {
        { "WFN001", "[Node(\"N\")] public sealed class N : INode { public long Run(long value) => value; }", "Node 'N': it has no public Execute method" },
        { "WFN001", "[Node(\"N\")] public sealed class N : INode { public long Execute(long a) => a; public long Execute(string b) => 0; }", "Node 'N': it has 2 Execute overloads; the schema needs exactly one" },
        { "WFN002", "[Node(\"N\")] public sealed class N : INode { public long Execute(Uri address) => 0; }", "Node 'N': input 'address' has type System.Uri, which is bound to no socket type" },
        { "WFN002", "[Node(\"N\")] public sealed class N : INode { public Task<long> Execute(Task<long> value) => value; }", "Node 'N': input 'value' has type System.Threading.Tasks.Task<long>, which is bound to no socket type" },
        { "WFN002", "[Node(\"N\")] public sealed class N : INode { public Version Execute(long value) => new(); }", "Node 'N': the return type has type System.Version, which is bound to no socket type" },
        { "WFN003", "[Node(\"N\")] public sealed class N : INode { public long Execute([Int(Min = 0, Max = 10)] long value = 99) => value; }", "Node 'N': input 'value' defaults to 99, outside [0, 10]" },
        { "WFN003", "[Node(\"N\")] public sealed class N : INode { public double Execute([Float(Min = 0.5)] double strength = 0.25) => strength; }", "Node 'N': input 'strength' defaults to 0.25, outside [0.5, Infinity]" },
        { "WFN004", "[Node(\"N\")] public sealed class N : INode { public long Execute(long batchSize, [Input(Name = \"batch_size\")] long other) => 0; }", "Node 'N': input name 'batch_size' is used by 2 parameters" },
        { "WFN005", "public enum Nothing { } [Node(\"N\")] public sealed class N : INode { public long Execute(Nothing choice) => 0; }", "Node 'N': input 'choice' is a combo of enum Nothing, which has no members" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Each_schema_mistake_is_a_build_error_with_its_id(string id, string source, string message)
    {
        var (diagnostics, compilation) = await Analyze(source);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal((id, DiagnosticSeverity.Error, message), (diagnostic.Id, diagnostic.Severity, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Descriptor.Description.ToString()), "every rule carries help text");
        Assert.Null(RegistryReading(compilation).Definition);
    }

    [Fact]
    public async Task A_correct_node_with_every_kind_of_input_and_output_has_no_diagnostic()
    {
        var (diagnostics, compilation) = await Analyze("""
            public enum Mode { Fast, Slow }
            [SocketType("THING")] public interface IThing;
            public sealed record Thing(int Size) : IThing;
            public sealed record Pair(Thing First, long Second, UiOutput Ui) : INodeOutputs;
            [Node("N", OutputNode = true)]
            public sealed class N : INode
            {
                public async Task<Pair> Execute(NodeContext context, Thing thing, CancellationToken cancellation,
                    [Int(Min = 1, Max = 8)] int width = 4, [Float(Min = 0, Max = 1)] double strength = 0.5, Mode mode = Mode.Fast,
                    [Seed] ulong seed = 0, string? label = null, bool flag = true, object? anything = null)
                {
                    await Task.Yield();
                    return new Pair(thing, width, new UiOutput());
                }
            }
            """);
        Assert.Empty(diagnostics);
        Assert.NotNull(RegistryReading(compilation).Definition);
    }

    [Theory]
    [InlineData("[Node(\"N\", InputIsList = true)] public sealed class N : INode { public long Execute(System.Collections.Generic.IReadOnlyList<long> values) => values.Count; }")]
    [InlineData("[Node(\"N\")] public sealed class N : INode { public System.Collections.Generic.IReadOnlyList<string> Execute(long count) => [\"a\"]; }")]
    [InlineData("[Node(\"N\")] public sealed class N : INode { public Expansion<long> Execute(NodeContext context, long value) => new(new GraphBuilder(context), new GraphBuilder(context).ParentInput(\"value\")); }")]
    [InlineData("public sealed record Lists(System.Collections.Generic.IReadOnlyList<long> Numbers, string Name) : INodeOutputs; [Node(\"N\")] public sealed class N : INode { public Task<Lists> Execute(long value) => Task.FromResult(new Lists([value], \"n\")); }")]
    public async Task Lists_and_expansions_the_host_accepts_have_no_diagnostic(string source)
    {
        var (diagnostics, compilation) = await Analyze(source);
        Assert.Empty(diagnostics);
        Assert.NotNull(RegistryReading(compilation).Definition);
    }

    private static async Task<(ImmutableArray<Diagnostic> Diagnostics, CSharpCompilation Compilation)> Analyze(string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(INode).Assembly.Location)
            .Append(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location)
            .Append(typeof(Workflow.Torch.Device).Assembly.Location)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Sample" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(Usings + source, new CSharpParseOptions(LanguageVersion.Latest))],
            references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var diagnostics = await compilation.WithAnalyzers([new NodeSchemaAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        return (diagnostics, compilation);
    }

    /// <summary>The same class as the host's registry reads it: compiled, loaded, and read by NodeDefinitionReader.</summary>
    private static NodeReadResult RegistryReading(CSharpCompilation compilation)
    {
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var assembly = System.Reflection.Assembly.Load(image.ToArray());
        return NodeDefinitionReader.Read(assembly.GetType("N")!, "sample");
    }
}
