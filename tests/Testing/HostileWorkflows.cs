using System.Text;
using System.Text.Json.Nodes;

namespace Workflow.Testing;

/// <summary>How a hostile workflow must end: refused before running (CLI exit 2, POST /prompt 4xx) or failed by a node (CLI exit 3).</summary>
public enum HostileOutcome
{
    Refused,
    Fails,
}

/// <summary>
/// One hostile workflow (API format, as bytes: some are not UTF-8), what must become of it, the node its error must be
/// reported on (null where the file is refused as a whole), and the texts its message must hold (input, key, value,
/// as they are: a control character in them is shown escaped). Strings are sized for a limit of
/// <see cref="HostileWorkflows.StringLimitMb"/>.
/// </summary>
public sealed record HostileCase(string Kind, string Name, byte[] Workflow, HostileOutcome Outcome, string? Node, IReadOnlyList<string> Names)
{
    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>
/// The hostile-input corpus of issue 11, generated (no large files committed): cycles of every shape up to 50,000
/// nodes, malformed JSON and malformed workflow shapes, literals no widget can take, strings past the limit and
/// strings that grow past it while running, and output names that leave the output folder. The CLI tests run each
/// as a process; the server tests POST each to /prompt.
/// </summary>
public static class HostileWorkflows
{
    /// <summary>The string limit (Mi characters) the corpus is run under, so that its strings stay small files.</summary>
    public const int StringLimitMb = 1;

    public const int StringLimit = StringLimitMb << 20;

    public static IEnumerable<HostileCase> All() => Cycles().Concat(MalformedJson()).Concat(MalformedShapes()).Concat(BadLiterals()).Concat(Growth()).Concat(OutputNames());

    public static IEnumerable<HostileCase> Cycles()
    {
        yield return Cycle("two nodes", Ring(1, 2), "1", "1 (IntArithmetic) -> 2 (IntArithmetic) -> 1 (IntArithmetic)");
        yield return Cycle("self loop", Ring(1, 1), "1", "1 (IntArithmetic) -> 1 (IntArithmetic)");
        yield return Cycle("1,000 nodes", Ring(1, 1000), "1", "… 981 more … -> 1 (IntArithmetic) (1,000 nodes in the cycle)");
        yield return Cycle("50,000 nodes", Ring(1, 50_000), "1", "(50,000 nodes in the cycle)");
        var tail = Ring(100, 3);
        foreach (var i in Enumerable.Range(1, 50))
            tail[$"{i}"] = Add(i == 1 ? Link("100") : Link($"{i - 1}"));
        tail["9999"] = Save(Link("50"));
        yield return Cycle("with a tail", tail, "100", "100 (IntArithmetic) -> 101 (IntArithmetic) -> 102 (IntArithmetic) -> 100");
        var two = Ring(1, 3);
        foreach (var (key, node) in Ring(20, 4))
            two[key] = node!.DeepClone();
        two["8888"] = Save(Link("20"));
        yield return Cycle("two cycles", two, "20", "20 (IntArithmetic) -> 21");
        var eight = Ring(1, 4);
        eight["5"] = Add(Link("1"));
        eight["1"]!["inputs"]!["b"] = Link("5");
        yield return Cycle("figure eight", eight, "1", "1 (IntArithmetic) -> 5 (IntArithmetic) -> 1 (IntArithmetic)");
        var brackets = new JsonObject { ["[a]"] = Add(Link("[/b]")), ["[/b]"] = Add(Link("[a]")), ["9"] = Save(Link("[a]")) };
        yield return Cycle("bracketed ids", brackets, "[/b]", "[/b] (IntArithmetic) -> [a] (IntArithmetic)");
    }

    public static IEnumerable<HostileCase> MalformedJson()
    {
        const string valid = """{"1": {"class_type": "PrimitiveInt", "inputs": {"value": 1}}, "9": {"class_type": "SaveText", "inputs": {"value": ["1", 0]}}}""";
        yield return Refused("json", "truncated", valid[..40], null, "Malformed JSON");
        yield return Refused("json", "trailing comma", valid.Replace("1}}, ", "1,}}, "), null, "Malformed JSON");
        yield return Refused("json", "single quotes", valid.Replace("\"value\"", "'value'"), null, "Malformed JSON");
        yield return Refused("json", "comment", "// a comment\n" + valid, null, "Malformed JSON");
        yield return Refused("json", "NaN literal", valid.Replace("\"value\": 1", "\"value\": NaN"), null, "Malformed JSON");
        yield return Refused("json", "empty", "", null);
        yield return Refused("json", "top-level array", "[1, 2]", null);
        yield return Refused("json", "top-level string", "\"workflow\"", null);
        yield return Refused("json", "top-level null", "null", null);
        yield return Refused("json", "nested 200 deep", """{"1": {"class_type": "PrimitiveInt", "inputs": {"value": """ + new string('[', 200) + new string(']', 200) + "}}}", null, "depth");
        yield return Refused("json", "repeated node id", valid.Replace("}}, \"9\"", "}}, \"1\": {}, \"9\""), null, "\"1\" appears twice");
        yield return Refused("json", "repeated input", valid.Replace("\"value\": 1", "\"value\": 1, \"value\": 2"), null, "\"value\" appears twice", """["1"]["inputs"]""");
        yield return Refused("json", "repeated key in a wrapped value", valid.Replace("\"value\": 1", "\"value\": {\"__value__\": {\"a\": 1, \"a\": 2}}"), null, "\"a\" appears twice");
        yield return Refused("json", "lone high surrogate in a node id", valid.Replace("\"1\"", "\"\\ud800\""), null, "surrogate");
        yield return Refused("json", "lone low surrogate in a value", Save("\"x\"", "\"a\\udc00b\""), null, "surrogate", """["9"]["inputs"]["filename_prefix"]""");
        yield return Refused("json", "lone surrogate in an input name", valid.Replace("\"value\": 1", "\"va\\ud800lue\": 1"), null, "surrogate");
        yield return Refused("json", "reversed surrogate pair", Save("\"\\udc00\\ud800\""), null, "surrogate");
        yield return new HostileCase("json", "byte 0xFF in a prefix", Splice(Save("\"x\"", "\"a#b\""), "#", [0xFF]), HostileOutcome.Refused, null, ["UTF-8", "0xFF"]);
        yield return new HostileCase("json", "overlong NUL", Splice(Save("\"x\"", "\"a#b\""), "#", [0xC0, 0x80]), HostileOutcome.Refused, null, ["UTF-8"]);
        yield return new HostileCase("json", "cut multibyte character", Splice(Save("\"x\"", "\"a#\""), "#", [0xE2, 0x82]), HostileOutcome.Refused, null, ["UTF-8"]);
        yield return new HostileCase("json", "UTF-16 file", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(valid)], HostileOutcome.Refused, null, ["UTF-8"]);
    }

    public static IEnumerable<HostileCase> MalformedShapes()
    {
        yield return Refused("shape", "inputs an array", """{"1": {"class_type": "PrimitiveInt", "inputs": [1, 2]}}""", null, "Node '1'", "inputs that are an array");
        yield return Refused("shape", "inputs a string", """{"1": {"class_type": "PrimitiveInt", "inputs": "value=3"}}""", null, "Node '1'", "inputs that are a string");
        yield return Refused("shape", "inputs a number", """{"1": {"class_type": "PrimitiveInt", "inputs": 3}}""", null, "Node '1'", "inputs that are a number");
        yield return Refused("shape", "node an array", """{"1": ["PrimitiveInt"]}""", null, "Node '1'", "not an array");
        yield return Refused("shape", "node a string", """{"1": "PrimitiveInt"}""", null, "Node '1'", "not a string");
        yield return Refused("shape", "class_type a number", """{"1": {"class_type": 5, "inputs": {}}}""", null, "Node '1'", "class_type that is a number (5)");
        yield return Refused("shape", "class_type an object", """{"1": {"class_type": {"a": 1}, "inputs": {}}}""", null, "Node '1'", "class_type that is an object");
        yield return Refused("shape", "no class_type, _meta an array", """{"1": {"inputs": {}, "_meta": [1]}}""", "1", "has no class_type");
        yield return Refused("shape", "UI format", """{"nodes": [], "links": [], "version": 0.4}""", null, "Save (API Format)");
        yield return Refused("shape", "markup in an unknown node's id", """{"[red]x[/]": {"class_type": "NoSuch", "inputs": {}}}""", "[red]x[/]", "Node 'NoSuch' not found");
        yield return Refused("shape", "an unclosed markup tag as an id", Workflow(("[bold", Int("\"zz\"")), ("9", Save(Link("[bold")))), "[bold", "value, zz, not an integer");
        yield return Refused("shape", "escape sequence in an id", Workflow(("\u001b[2J", Int("\"zz\"")), ("9", Save(Link("\u001b[2J")))), "\u001b[2J", "value, zz, not an integer");
        yield return Refused("shape", "NUL in an id", Workflow(("a\0b", Int("\"zz\"")), ("9", Save(Link("a\0b")))), "a\0b", "value, zz, not an integer");
        var longId = new string('n', 100_000);
        yield return Refused("shape", "100 KB id", Workflow((longId, new JsonObject { ["class_type"] = "NoSuch", ["inputs"] = new JsonObject() })), null, "(100,000 characters)");
        yield return Refused("shape", "link to a missing node", Workflow(("9", Save(Link("99")))), "9", "node '99' is not in the workflow");
        yield return Refused("shape", "link index 1e400", Workflow(("1", Int("1")), ("9", Save(JsonNode.Parse("""["1", 1e400]""")!))), "9", "Bad linked input");
        yield return Refused("shape", "link index -1", Workflow(("1", Int("1")), ("9", Save(new JsonArray("1", -1)))), "9", "Bad linked input");
        yield return Refused("shape", "link to a missing output", Workflow(("1", Int("1")), ("9", Save(Link("1", 99_999)))), "9", "slot 99999 requested");
        // Nested just below the parser's limit of 64 (with the POST /prompt wrapper), deeper than an error's JSON could echo whole.
        yield return Refused("shape", "link-like value nested 59 deep", Workflow(("1", Int("[{\"a\": " + new string('[', 57) + "1" + new string(']', 57) + "}]")), ("9", Save(Link("1")))), "1", "Bad linked input");
        yield return Refused("shape", "object nested 59 deep", Workflow(("1", Int(string.Concat(Enumerable.Repeat("{\"a\": ", 59)) + "1" + new string('}', 59))), ("9", Save(Link("1")))), "1", "not an integer");
        yield return Refused("shape", "100,000-element value", Workflow(("1", Int("{\"a\": [" + string.Join(",", Enumerable.Repeat(7, 100_000)) + "]}")), ("9", Save(Link("1")))), "1", "characters)", "not an integer");
    }

    public static IEnumerable<HostileCase> BadLiterals()
    {
        foreach (var (json, shown) in new[] { ("1e400", "1e400"), ("-1e400", "-1e400"), ("\"Infinity\"", "Infinity"), ("\"-Infinity\"", "-Infinity"), ("\"NaN\"", "NaN"), ("\"1e999\"", "1e999") })
            yield return Refused("literal", $"FLOAT {json}", Workflow(("1", Node("PrimitiveFloat", ("value", json))), ("9", Save(Link("1")))), "1", $"value, {shown}, not a finite number");
        yield return Refused("literal", "FLOAT \"inf\"", Workflow(("1", Node("PrimitiveFloat", ("value", "\"inf\""))), ("9", Save(Link("1")))), "1", "value, inf, not a number");
        yield return Refused("literal", "FloatArithmetic b 1e400", Workflow(("2", Node("FloatArithmetic", ("a", "1"), ("b", "1e400"))), ("9", Save(Link("2")))), "2", "b, 1e400, not a finite number");
        yield return Refused("literal", "any-type 1e400", Save("1e400"), "9", "value, 1e400, not a finite number");
        foreach (var (json, reason) in new[] { ("1e400", "not an integer"), ("\"1e400\"", "not an integer"), ("99999999999999999999", "bigger than max"), ("1.5", "not an integer"), ("\"abc\"", "not an integer"), ("{\"a\": 1}", "not an integer"), ("true", "not an integer") })
            yield return Refused("literal", $"INT {json}", Workflow(("1", Int(json)), ("9", Save(Link("1")))), "1", reason);
        yield return Refused("literal", "BOOLEAN \"maybe\"", Workflow(("1", Node("PrimitiveBoolean", ("value", "\"maybe\""))), ("9", Save(Link("1")))), "1", "value, maybe, expected true or false");
        yield return Refused("literal", "BOOLEAN 2", Workflow(("1", Node("PrimitiveBoolean", ("value", "2"))), ("9", Save(Link("1")))), "1", "value, 2, expected true or false");
        yield return Refused("literal", "STRING an object", Workflow(("1", Node("PrimitiveString", ("value", "{\"a\": 1}"))), ("9", Save(Link("1")))), "1", "expected a string");
        yield return Refused("literal", "combo a number", Workflow(("2", Node("IntArithmetic", ("operation", "5"))), ("9", Save(Link("2")))), "2", "operation, 5, expected one of the options");
        yield return Refused("literal", "combo 100 KB", Workflow(("2", Node("IntArithmetic", ("operation", $"\"{new string('x', 100_000)}\""))), ("9", Save(Link("2")))), "2", "operation", "(100,000 characters)");
        var tooLong = $"\"{new string('s', StringLimit + 1)}\"";
        yield return Refused("literal", "STRING past the limit", Workflow(("1", Node("PrimitiveString", ("value", tooLong))), ("9", Save(Link("1")))), "1", "value", "longer than the limit");
        yield return Refused("literal", "any-type past the limit", Save(tooLong), "9", "value", "longer than the limit");
        yield return Refused("literal", "prefix past the limit", Save("\"x\"", tooLong), "9", "filename_prefix", "longer than the limit");
    }

    /// <summary>Small files whose strings grow while running: each must stop at the limit, naming the node.</summary>
    public static IEnumerable<HostileCase> Growth()
    {
        var doubling = new JsonObject { ["1"] = Node("PrimitiveString", ("value", "\"0123456789abcdef\"")) };
        for (int i = 2; i <= 40; i++)
            doubling[$"{i}"] = new JsonObject { ["class_type"] = "StringConcatenate", ["inputs"] = new JsonObject { ["string_a"] = Link($"{i - 1}"), ["string_b"] = Link($"{i - 1}") } };
        doubling["99"] = Save(Link("40"));
        // 16 characters doubled: node 18 makes 2 Mi, the first past the limit of 1 Mi.
        yield return Fails("growth", "string doubling", doubling, "18", "StringConcatenate", "longer than the limit");
        var replace = Workflow(("2", Node("StringReplace", ("string", $"\"{new string('a', 1000)}\""), ("find", "\"a\""), ("replace", $"\"{new string('b', 2000)}\""))), ("9", Save(Link("2"))));
        yield return Fails("growth", "replacement", replace, "2", "StringReplace", "replace", "longer than the limit");
    }

    public static IEnumerable<HostileCase> OutputNames()
    {
        foreach (var prefix in new[] { "../escaped", "a/../../escaped", "a/b/../../../escaped", "/tmp/escaped", "..", "%year%/../../escaped" })
            yield return Fails("output name", prefix, Save("\"x\"", $"\"{prefix}\""), "9", "SaveText", "filename_prefix", "outside the output folder");
        yield return Fails("output name", "NUL", Save("\"x\"", "\"a\\u0000b\""), "9", "SaveText", "filename_prefix", "NUL");
    }

    /// <summary>The corpus posted as POST /prompt bodies: the workflow's bytes wrapped as is, so malformed ones stay malformed.</summary>
    public static byte[] PromptBody(HostileCase hostile) => [.. "{\"prompt\": "u8, .. hostile.Workflow, .. "}"u8];

    /// <summary>IntArithmetic nodes first..first+count-1, each adding one to the next, the last to the first; saved from the first.</summary>
    private static JsonObject Ring(int first, int count)
    {
        var nodes = new JsonObject();
        for (int i = 0; i < count; i++)
            nodes[$"{first + i}"] = Add(Link($"{first + (i + 1) % count}"));
        nodes[$"{first + count + 100_000}"] = Save(Link($"{first}"));
        return nodes;
    }

    private static HostileCase Cycle(string name, JsonObject workflow, string lowest, string path) =>
        new("cycle", name, Encoding.UTF8.GetBytes(workflow.ToJsonString()), HostileOutcome.Refused, lowest, ["Dependency cycle detected", path]);

    private static HostileCase Refused(string kind, string name, string workflow, string? node, params string[] names) =>
        new(kind, name, Encoding.UTF8.GetBytes(workflow), HostileOutcome.Refused, node, names);

    private static HostileCase Refused(string kind, string name, JsonObject workflow, string? node, params string[] names) =>
        new(kind, name, Encoding.UTF8.GetBytes(workflow.ToJsonString()), HostileOutcome.Refused, node, names);

    private static HostileCase Fails(string kind, string name, string workflow, string node, params string[] names) =>
        new(kind, name, Encoding.UTF8.GetBytes(workflow), HostileOutcome.Fails, node, names);

    private static HostileCase Fails(string kind, string name, JsonObject workflow, string node, params string[] names) =>
        new(kind, name, Encoding.UTF8.GetBytes(workflow.ToJsonString()), HostileOutcome.Fails, node, names);

    private static byte[] Splice(string text, string marker, byte[] bytes)
    {
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(text[..at]), .. bytes, .. Encoding.UTF8.GetBytes(text[(at + marker.Length)..])];
    }

    private static JsonObject Workflow(params (string Id, JsonObject Node)[] nodes)
    {
        var workflow = new JsonObject();
        foreach (var (id, node) in nodes)
            workflow[id] = node;
        return workflow;
    }

    /// <summary>A node whose inputs are given as raw JSON text (so that 1e400 stays 1e400).</summary>
    private static JsonObject Node(string classType, params (string Name, string Json)[] inputs)
    {
        var values = new JsonObject();
        foreach (var (name, json) in inputs)
            values[name] = JsonNode.Parse(json);
        return new JsonObject { ["class_type"] = classType, ["inputs"] = values };
    }

    private static JsonObject Int(string valueJson) => Node("PrimitiveInt", ("value", valueJson));

    private static JsonObject Add(JsonNode a) => new() { ["class_type"] = "IntArithmetic", ["inputs"] = new JsonObject { ["a"] = a, ["b"] = 1, ["operation"] = "add" } };

    private static JsonObject Save(JsonNode value) => new() { ["class_type"] = "SaveText", ["inputs"] = new JsonObject { ["value"] = value } };

    /// <summary>A one-node workflow saving a literal, written out as text so that the literal's bytes stay as given.</summary>
    private static string Save(string valueJson, string? prefixJson = null) =>
        """{"9": {"class_type": "SaveText", "inputs": {"value": """ + valueJson + (prefixJson is null ? "" : ", \"filename_prefix\": " + prefixJson) + "}}}";

    private static JsonArray Link(string from, int output = 0) => [from, output];
}
