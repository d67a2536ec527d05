using Workflow.Testing;

namespace Workflow.Server.Tests.Support;

/// <summary>
/// One served process for the whole hostile corpus, with the corpus's string limit, so that its peak memory measures
/// every case it was sent (the high-water mark only grows). Disposing stops it and deletes its folder.
/// </summary>
public sealed class HostileServer : IAsyncLifetime
{
    private readonly string _base = Directory.CreateTempSubdirectory("workflow-hostile-server-").FullName;

    public ServerProcess Process { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Process = await ServerProcess.StartAsync(_base, null, "--max-string-mb", $"{HostileWorkflows.StringLimitMb}");

    public async Task DisposeAsync()
    {
        await Process.DisposeAsync();
        Directory.Delete(_base, recursive: true);
    }
}
