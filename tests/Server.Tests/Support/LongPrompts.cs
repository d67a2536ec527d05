namespace Workflow.Server.Tests.Support;

/// <summary>Prompts that keep a server's worker busy for minutes (the multi-view examples) run alone, after the parallel tests, whose waits are shorter.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LongPrompts
{
    public const string Name = "Long prompts";
}
