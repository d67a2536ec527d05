namespace Workflow.NodeSdk;

/// <summary>
/// Marks a node class. A node has one public method named <c>Execute</c>; its signature is the schema:
/// parameter order is input order, C# defaults are widget defaults, a nullable parameter is optional,
/// a <see cref="NodeContext"/> parameter is supplied by the host and is not an input.
/// The return type gives the outputs: a socket type (one output), a record implementing
/// <see cref="INodeOutputs"/> (one output per primary-constructor parameter), <see cref="UiOutput"/>
/// or <c>void</c> (no outputs); an output typed <c>IReadOnlyList&lt;T&gt;</c> is a list (ComfyUI's OUTPUT_IS_LIST), and
/// <see cref="Expansion{TOutputs}"/> runs a subgraph in the node's place. Nodes are stateless: one instance may serve
/// concurrent prompts.
/// </summary>
public interface INode;

/// <summary>
/// Marks a record whose primary-constructor parameters are a node's outputs, in order.
/// A property of type <see cref="UiOutput"/> is the node's UI result, not a socket.
/// </summary>
public interface INodeOutputs;
