using System.Collections;
using System.Text.Json.Nodes;
using Workflow.Host.Caching;
using Workflow.Host.Registry;
using Workflow.NodeSdk;

namespace Workflow.Host.Execution;

/// <summary>
/// A node's calls as one set of outputs (ComfyUI's merge_result_data): each call adds its value to every output's
/// list, except that a list output (OUTPUT_IS_LIST) adds its elements. The UI results are joined key by key, a list
/// contributing its items, so a SaveImage run three times shows three images.
/// </summary>
internal static class CallResults
{
    public static NodeOutputs Merge(NodeDefinition definition, IReadOnlyList<NodeResult> calls)
    {
        var slots = new IReadOnlyList<object?>[definition.Outputs.Count];
        for (int i = 0; i < slots.Length; i++)
        {
            if (calls.Count == 1 && !definition.Outputs[i].IsList)
            {
                slots[i] = [calls[0].Outputs[i]];
                continue;
            }
            var values = new List<object?>(calls.Count);
            foreach (var call in calls)
            {
                if (!definition.Outputs[i].IsList)
                    values.Add(call.Outputs[i]);
                else if (call.Outputs[i] is IEnumerable list)
                    values.AddRange(list.Cast<object?>());
            }
            slots[i] = values;
        }
        return new NodeOutputs(slots, Ui(calls));
    }

    private static JsonObject? Ui(IReadOnlyList<NodeResult> calls)
    {
        if (calls.Count == 1)
            return calls[0].Ui?.ToJson();
        var uis = calls.Select(c => c.Ui).OfType<UiOutput>().ToList();
        if (uis.Count <= 1)
            return uis.FirstOrDefault()?.ToJson();
        var merged = new JsonObject();
        foreach (var ui in uis.Select(u => u.ToJson()))
        {
            foreach (var key in ui.Select(entry => entry.Key).ToList())
            {
                var value = ui[key];
                ui.Remove(key);
                var joined = merged[key] as JsonArray ?? (JsonArray)(merged[key] = new JsonArray());
                if (value is not JsonArray items)
                {
                    joined.Add(value);
                    continue;
                }
                var elements = items.ToList();
                items.Clear();
                elements.ForEach(joined.Add);
            }
        }
        return merged;
    }
}
