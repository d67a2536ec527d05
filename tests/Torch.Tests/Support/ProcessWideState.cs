namespace Workflow.Torch.Tests.Support;

/// <summary>
/// Tests that read or change process-wide state (the live-tensor count, the default generator, process memory)
/// run in this collection, alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideState
{
    public const string Name = "Process-wide state";
}
