using Workflow.Host.Registry;
using Workflow.Host.Tests.Support;
using Workflow.Testing;
using Workflow.NodeSdk;
using static Workflow.Testing.TestEngine;

namespace Workflow.Host.Tests.Registry;

/// <summary>Node schemas read from C# signatures, served in ComfyUI's object_info shape.</summary>
public sealed class SchemaTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly]);

    public void Dispose() => _test.Dispose();

    private NodeDefinition Definition(string name)
    {
        Assert.True(_test.Engine.Registry.TryGet(name, out var definition));
        return definition;
    }

    [Theory]
    [InlineData("batchSize", "batch_size")]
    [InlineData("ckptName", "ckpt_name")]
    [InlineData("filenamePrefix", "filename_prefix")]
    [InlineData("IPAdapterWeight", "ip_adapter_weight")]
    [InlineData("stringA", "string_a")]
    [InlineData("clipL", "clip_l")]
    [InlineData("t5xxl", "t5xxl")]
    [InlineData("seed", "seed")]
    public void Parameter_names_become_snake_case_wire_names(string csharp, string wire) => Assert.Equal(wire, WireNames.ToSnakeCase(csharp));

    [Fact]
    public void Object_info_matches_ComfyUI_shape() => AssertJsonEqual("""
        {"input": {"required": {"mode": [["fast", "very_slow"], {"default": "fast"}],
                                "color": [["red", "green", "blue"], {"default": "red"}],
                                "strength": ["FLOAT", {"default": 0.5, "min": 0, "max": 1, "step": 0.05}]},
                   "optional": {}, "hidden": {}},
         "input_order": {"required": ["mode", "color", "strength"]}, "is_input_list": false,
         "output": ["STRING"], "output_is_list": [false], "output_name": ["STRING"],
         "name": "TestChoice", "display_name": "TestChoice", "description": "", "python_module": "Workflow.Host.Tests",
         "category": "test", "output_node": false}
        """, ObjectInfo.ForNode(Definition("TestChoice"), "TestChoice", _test.Engine.Paths));

    [Fact]
    public void Seed_widget_spans_uint64_and_asks_for_control_after_generate() => AssertJsonEqual("""
        ["INT", {"default": 0, "min": 0, "max": 18446744073709551615, "step": 1, "control_after_generate": true}]
        """, ObjectInfo.InputConfig(Definition("TestSeed").Inputs[0], _test.Engine.Paths));

    [Fact]
    public void Nullable_parameter_is_an_optional_input()
    {
        var info = ObjectInfo.ForNode(Definition("TestOptional"), "TestOptional", _test.Engine.Paths);
        AssertJsonEqual("""{"b": ["INT", {"min": -9223372036854775808, "max": 9223372036854775807, "step": 1}]}""", info["input"]!["optional"]);
        AssertJsonEqual("""{"required": ["a"], "optional": ["b"]}""", info["input_order"]);
    }

    [Fact]
    public void Outputs_record_gives_one_output_per_constructor_parameter()
    {
        var outputs = Definition("TestSumProduct").Outputs;
        Assert.Equal([("SUM", "INT"), ("PRODUCT", "INT")], outputs.Select(o => (o.Name, o.SocketType)));
    }

    [Fact]
    public void Duplicate_wire_names_are_a_schema_problem()
    {
        var read = NodeDefinitionReader.Read(typeof(ClashingNames), "test");
        Assert.Null(read.Definition);
        Assert.Equal(["Input name 'value' is used by 2 parameters."], read.Problems);
    }

    [Fact]
    public void Combo_default_outside_its_options_is_a_schema_problem()
    {
        var read = NodeDefinitionReader.Read(typeof(BadComboDefault), "test");
        Assert.Equal(["Input 'color': default 'pink' is not one of its options."], read.Problems);
    }

    [Fact]
    public void Second_node_with_a_taken_name_is_refused()
    {
        var registry = new NodeRegistry();
        var first = NodeDefinitionReader.Read(typeof(TestConstant), "a").Definition!;
        Assert.Empty(registry.TryAdd(first));
        Assert.Equal(["TestConstant"], registry.TryAdd(first with { Module = "b" }));
    }

    [Fact]
    public void List_outputs_and_list_inputs_are_declared_by_type_and_shown_in_object_info()
    {
        var range = ObjectInfo.ForNode(Definition("TestRange"), "TestRange", _test.Engine.Paths);
        AssertJsonEqual("""["INT"]""", range["output"]);
        AssertJsonEqual("[true]", range["output_is_list"]);
        var join = ObjectInfo.ForNode(Definition("TestJoin"), "TestJoin", _test.Engine.Paths);
        Assert.True((bool)join["is_input_list"]!);
        AssertJsonEqual("""["INT", {"min": -9223372036854775808, "max": 9223372036854775807, "step": 1}]""", join["input"]!["required"]!["values"]);
    }

    [Fact]
    public void Mistakes_in_list_and_lazy_declarations_are_schema_problems()
    {
        Assert.Equal(["Input 'value': a node with InputIsList takes every input as IReadOnlyList<T>, not Int64."],
            NodeDefinitionReader.Read(typeof(ListNodeWithScalar), "test").Problems);
        Assert.Equal(["Input 'values': type IReadOnlyList<Int64> is a list: set InputIsList = true on [Node] to take whole lists."],
            NodeDefinitionReader.Read(typeof(ScalarNodeWithList), "test").Problems);
        Assert.Equal(["Input 'value': a lazy input is null until the node asks for it, so Int64 must be nullable (Int64?).",
                      "Lazy input(s) value need the node to implement ILazyInputs, which says when they are needed."],
            NodeDefinitionReader.Read(typeof(LazyWithoutQuestion), "test").Problems);
    }

    [Node("ListNodeWithScalar", InputIsList = true)]
    private sealed class ListNodeWithScalar : INode
    {
        public long Execute(long value) => value;
    }

    [Node("ScalarNodeWithList")]
    private sealed class ScalarNodeWithList : INode
    {
        public long Execute(IReadOnlyList<long> values) => values.Count;
    }

    [Node("LazyWithoutQuestion")]
    private sealed class LazyWithoutQuestion : INode
    {
        public long Execute([Input(Lazy = true)] long value) => value;
    }

    [Node("ClashingNames")]
    private sealed class ClashingNames : INode
    {
        public long Execute(long value, [Input(Name = "value")] long other) => value + other;
    }

    [Node("BadComboDefault")]
    private sealed class BadComboDefault : INode
    {
        public string Execute([Combo("red", "green")] string color = "pink") => color;
    }
}
