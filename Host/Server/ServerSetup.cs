using System.Reflection;
using Microsoft.Extensions.Logging;
using Workflow.Host.Engine;

namespace Workflow.Host.Server;

/// <summary>Everything a server is built from: how it serves, the engine it runs, in-process nodes (tests) and how much it logs.</summary>
public sealed record ServerSetup(ServerOptions Server, EngineOptions Engine, LogLevel MinimumLogLevel = LogLevel.Information)
{
    public IReadOnlyList<Assembly> NodeAssemblies { get; init; } = [];
}
