namespace Workflow.Server.Tests.Support;

/// <summary>
/// A fact that needs something installed by scripts/install-deps.sh: skipped with the reason where it is absent,
/// except under CI (CI=true), where its absence is a failure.
/// </summary>
public abstract class RequirementFactAttribute : FactAttribute
{
    protected RequirementFactAttribute(string? missing) => Skip = Workflow.Testing.Golden.IsCi ? null : missing;
}

/// <summary>Needs Debian's PostgreSQL server binaries (initdb, pg_ctl).</summary>
public sealed class PostgresFactAttribute() : RequirementFactAttribute(
    PostgresServer.FindBinDirectory() is null ? "PostgreSQL is not installed (apt-get install postgresql)" : null);

/// <summary>Needs Node.js and npm.</summary>
public sealed class NodeFactAttribute() : RequirementFactAttribute(
    NodeClient.Find("node") is null || NodeClient.Find("npm") is null ? "Node.js is not installed (apt-get install nodejs npm)" : null);
