namespace Workflow.Torch.Serialization.Pickle;

/// <summary>Which pickle is read (the file, and the stream within it, e.g. "archive/data.pkl") and under what limits.</summary>
internal sealed record PickleStream(string Path, string Name, PickleLimits Limits);
