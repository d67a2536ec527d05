namespace Workflow.Torch.Serialization;

/// <summary>What a format reader found: the unpickled object, and where each storage key's bytes start in the file (checked to fit).</summary>
internal sealed record CheckpointContent(object? Root, IReadOnlyDictionary<string, long> StorageOffsets);
