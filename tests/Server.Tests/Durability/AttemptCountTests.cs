using System.Data.Common;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;
using Workflow.Host.Server.Storage;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Durability;

/// <summary>
/// Both stores count a prompt's attempts: each claim adds one, a graceful release gives it back, and a queue made
/// before attempts were counted gains the column (its prompts start at none).
/// </summary>
public sealed class AttemptCountTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("workflow-attempts-test-").FullName;

    /// <summary>The queue table as the previous version created it, holding one pending prompt.</summary>
    private const string OldQueue = """
        CREATE TABLE queue (seq {0}, prompt_id TEXT NOT NULL UNIQUE, number DOUBLE PRECISION, prompt TEXT NOT NULL,
            extra_data TEXT NOT NULL, outputs TEXT NOT NULL, accepted_at BIGINT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
            worker TEXT, lease_until BIGINT);
        INSERT INTO queue (prompt_id, number, prompt, extra_data, outputs, accepted_at) VALUES ('old', 1, '{{}}', '{{}}', '["9"]', 0);
        """;

    [Fact]
    public async Task Sqlite_counts_attempts_across_restarts_and_migrates_an_older_queue()
    {
        var path = Path.Combine(_folder, "server.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            await Execute(connection, string.Format(OldQueue, "INTEGER PRIMARY KEY AUTOINCREMENT"));

        await using (var store = await SqlitePromptStore.OpenAsync(path, CancellationToken.None))
        {
            Assert.Equal(1, (await Claim(store, "a")).Attempts);
            await store.ReleaseAsync("old", "a", CancellationToken.None);   // a graceful stop
            Assert.Equal(1, (await Claim(store, "a")).Attempts);
        }   // the process "dies" holding the claim
        await using (var store = await SqlitePromptStore.OpenAsync(path, CancellationToken.None))
            Assert.Equal(2, (await Claim(store, "b")).Attempts);
        await using (var store = await SqlitePromptStore.OpenAsync(path, CancellationToken.None))
        {
            var third = await Claim(store, "c");
            Assert.Equal(3, third.Attempts);
            Assert.True(await store.CompleteAsync("old", "c", new JsonObject(), CancellationToken.None));
        }
    }

    [PostgresFact]
    public async Task Postgres_counts_attempts_across_lost_leases_and_migrates_an_older_queue()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var connectionString = PostgresUrl.ToConnectionString(postgres.Url);
        await using (var connection = new NpgsqlConnection(connectionString))
            await Execute(connection, string.Format(OldQueue, "BIGSERIAL PRIMARY KEY"));

        await using var store = await PromptStores.OpenAsync(postgres.Url, CancellationToken.None);
        var lease = TimeSpan.FromMilliseconds(100);
        Assert.Equal(1, (await store.ClaimAsync("a", lease, CancellationToken.None))!.Attempts);
        await Task.Delay(300);   // server a died: its lease runs out unrenewed
        Assert.Equal(2, (await store.ClaimAsync("b", lease, CancellationToken.None))!.Attempts);
        await store.ReleaseAsync("old", "b", CancellationToken.None);
        Assert.Equal(2, (await store.ClaimAsync("c", TimeSpan.FromMinutes(1), CancellationToken.None))!.Attempts);
    }

    private static async Task<QueuedPrompt> Claim(IPromptStore store, string worker) =>
        await store.ClaimAsync(worker, TimeSpan.FromMinutes(1), CancellationToken.None) ?? throw new InvalidOperationException("nothing to claim");

    private static async Task Execute(DbConnection connection, string sql)
    {
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
