using System.Globalization;
using System.Text.Json.Nodes;
using Workflow.NodeSdk;

namespace Workflow.Host.Registry;

/// <summary>ComfyUI's /object_info shape for a node (server.py: node_info), with V1-style list combos that clients read.</summary>
public static class ObjectInfo
{
    public static JsonObject ForAll(INodeRegistry registry, NodePaths paths)
    {
        var all = new JsonObject();
        foreach (var definition in registry.All)
        {
            all[definition.Name] = ForNode(definition, definition.Name, paths);
            foreach (var alias in definition.Aliases)
                all[alias] = ForNode(definition, alias, paths);
        }
        return all;
    }

    public static JsonObject ForNode(NodeDefinition definition, string name, NodePaths paths)
    {
        var required = new JsonObject();
        var optional = new JsonObject();
        foreach (var input in definition.Inputs)
            (input.Required ? required : optional)[input.Name] = InputConfig(input, paths);
        var inputOrder = new JsonObject { ["required"] = Names(definition.Inputs.Where(i => i.Required)) };
        if (optional.Count > 0)
            inputOrder["optional"] = Names(definition.Inputs.Where(i => !i.Required));

        var info = new JsonObject
        {
            ["input"] = new JsonObject { ["required"] = required, ["optional"] = optional, ["hidden"] = new JsonObject() },
            ["input_order"] = inputOrder,
            ["is_input_list"] = definition.InputIsList,
            ["output"] = Names(definition.Outputs.Select(o => o.SocketType)),
            ["output_is_list"] = new JsonArray(definition.Outputs.Select(o => (JsonNode)o.IsList).ToArray()),
            ["output_name"] = Names(definition.Outputs.Select(o => o.Name)),
            ["name"] = name,
            ["display_name"] = definition.DisplayName,
            ["description"] = definition.Description,
            ["python_module"] = definition.Module,
            ["category"] = definition.Category,
            ["output_node"] = definition.IsOutputNode,
        };
        if (definition.Flags.HasFlag(NodeFlags.Deprecated)) info["deprecated"] = true;
        if (definition.Flags.HasFlag(NodeFlags.Experimental)) info["experimental"] = true;
        return info;
    }

    /// <summary>One input as <c>[TYPE, {options}]</c> (a combo as <c>[[options...], {...}]</c>); also ComfyUI's input_config in errors.</summary>
    public static JsonArray InputConfig(InputDefinition input, NodePaths paths)
    {
        var options = new JsonObject();
        if (input.Default.Exists)
            options["default"] = DefaultJson(input.Default.Value);
        AddConstraintOptions(input.Constraints, options);
        if (input.Tooltip is not null) options["tooltip"] = input.Tooltip;
        if (input.ForceInput) options["forceInput"] = true;
        if (input.Lazy) options["lazy"] = true;

        JsonNode type = input.Constraints is ComboConstraints combo
            ? new JsonArray(combo.Options(paths).Select(o => (JsonNode)JsonValue.Create(o)).ToArray())
            : JsonValue.Create(input.SocketType);
        return options.Count > 0 ? [type, options] : [type];
    }

    private static void AddConstraintOptions(InputConstraints constraints, JsonObject options)
    {
        switch (constraints)
        {
            case IntConstraints c:
                options["min"] = IntJson(c.Min);
                options["max"] = IntJson(c.Max);
                options["step"] = c.Step;
                if (c.IsSeed) options["control_after_generate"] = true;
                break;
            case FloatConstraints c:
                if (double.IsFinite(c.Min)) options["min"] = c.Min;
                if (double.IsFinite(c.Max)) options["max"] = c.Max;
                options["step"] = c.Step;
                if (c.Round > 0) options["round"] = c.Round;
                break;
            case StringConstraints c:
                if (c.Multiline) options["multiline"] = true;
                if (c.Placeholder is not null) options["placeholder"] = c.Placeholder;
                break;
            case BooleanConstraints c:
                if (c.LabelOn is not null) options["label_on"] = c.LabelOn;
                if (c.LabelOff is not null) options["label_off"] = c.LabelOff;
                break;
            case ComboConstraints { ImageUpload: true }:
                options["image_upload"] = true;
                break;
        }
    }

    private static JsonNode? DefaultJson(object? value) => value switch
    {
        Enum e => ComboOptions.EnumWireNames(e.GetType()).First(kv => kv.Value.Equals(e)).Key,
        int i => i,
        long l => l,
        ulong u => u,
        double d => d,
        float f => f,
        bool b => b,
        string s => s,
        _ => value?.ToString(),
    };

    /// <summary>Bounds beyond long (a seed's 2^64-1) are written as the raw number, as Python would.</summary>
    private static JsonNode IntJson(Int128 value) =>
        value >= long.MinValue && value <= long.MaxValue
            ? JsonValue.Create((long)value)
            : JsonNode.Parse(value.ToString(CultureInfo.InvariantCulture))!;

    private static JsonArray Names(IEnumerable<string> names) => new(names.Select(n => (JsonNode)JsonValue.Create(n)).ToArray());

    private static JsonArray Names(IEnumerable<InputDefinition> inputs) => Names(inputs.Select(i => i.Name));
}
