namespace Workflow.Host.Tests.Support;

/// <summary>
/// Command-line runs of whole model pipelines (the multi-view examples): they run alone, after the parallel tests, so
/// their minutes of CPU never push this assembly's time-limited tests (the hostile corpus) past their limits.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholeMachine
{
    public const string Name = "Whole model pipelines";
}
