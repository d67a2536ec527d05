namespace Workflow.NodeSdk;

/// <summary>Declares a node class and its identity. The name never changes once published; renames keep the old name in <see cref="Aliases"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NodeAttribute(string name) : Attribute
{
    /// <summary>The node's class_type in workflow files.</summary>
    public string Name { get; } = name;

    /// <summary>Other class_type names that resolve to this node (for example ComfyUI's name for it).</summary>
    public string[] Aliases { get; init; } = [];

    /// <summary>Human name for menus; defaults to <see cref="Name"/>.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Menu path, slash-separated, as in ComfyUI ("sampling", "latent/upscale").</summary>
    public string Category { get; init; } = "utils";

    public string Description { get; init; } = "";

    /// <summary>A sink: the executor runs output nodes and whatever they depend on, nothing else.</summary>
    public bool OutputNode { get; init; }

    /// <summary>Outputs are not shared between two nodes with identical inputs (the node id joins the cache key).</summary>
    public bool NotIdempotent { get; init; }

    /// <summary>
    /// Takes every input as a whole list and runs once (ComfyUI's INPUT_IS_LIST): each parameter is an
    /// <c>IReadOnlyList&lt;T&gt;</c> of its socket's type, a widget value arriving as a list of one. Without it, a node fed
    /// lists runs once per element. A list output is declared by its type, <c>IReadOnlyList&lt;T&gt;</c> (OUTPUT_IS_LIST).
    /// </summary>
    public bool InputIsList { get; init; }

    public bool Deprecated { get; init; }

    public bool Experimental { get; init; }
}
