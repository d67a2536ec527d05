namespace Workflow.Torch.Modules;

/// <summary>Keys a non-strict load skipped (PyTorch's _IncompatibleKeys).</summary>
public sealed record IncompatibleKeys(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
