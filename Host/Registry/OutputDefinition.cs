namespace Workflow.Host.Registry;

/// <summary>One output slot of a node: its position is its index in links.</summary>
public sealed record OutputDefinition(string Name, string SocketType, Type ClrType);
