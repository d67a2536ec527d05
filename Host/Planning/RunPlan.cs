using Workflow.Host.Caching;
using Workflow.Host.Graph;
using Workflow.Host.Validation;
using Workflow.NodeSdk;

namespace Workflow.Host.Planning;

/// <summary>
/// What a run settles before anything runs, fixed from then on: every node's cache key (each fingerprint asked once)
/// and the needed nodes whose outputs the cache holds (ComfyUI's execution_cached). The run starts its execution list
/// from the prompt's outputs; the nodes expansions add while it runs are the run's own, not the plan's.
/// </summary>
public sealed record RunPlan(ValidatedPrompt Prompt, IReadOnlyDictionary<NodeId, CacheKey?> Keys, IReadOnlyList<NodeId> Cached)
{
    /// <summary>
    /// Every needed node whose output is cached, whether or not the run will reach it, each marked recently used as
    /// ComfyUI's LRU cache marks the current prompt's nodes: the graph being worked on is what the next change needs.
    /// </summary>
    public static RunPlan Build(ValidatedPrompt prompt, IReadOnlyDictionary<NodeId, Fingerprint> fingerprints, OutputCache cache)
    {
        var keys = CacheKeyBuilder.Build(prompt, fingerprints);
        var cached = prompt.TopologicalOrder.Where(id => keys[id] is { } key && cache.Touch(key)).Order().ToList();
        return new RunPlan(prompt, keys, cached);
    }
}
