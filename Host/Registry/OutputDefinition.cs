namespace Workflow.Host.Registry;

/// <summary>One output slot of a node: its position is its index in links. A list output (ComfyUI's OUTPUT_IS_LIST) holds many values of <paramref name="ClrType"/>.</summary>
public sealed record OutputDefinition(string Name, string SocketType, Type ClrType, bool IsList = false);
