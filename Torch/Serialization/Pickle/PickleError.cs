namespace Workflow.Torch.Serialization.Pickle;

/// <summary>A problem inside a pickle stream; the unpickler turns it into a <see cref="PyTorchFileException"/> naming the file and byte.</summary>
internal sealed class PickleError(string problem, string? refusedGlobal = null) : Exception(problem)
{
    public string? RefusedGlobal { get; } = refusedGlobal;
}
