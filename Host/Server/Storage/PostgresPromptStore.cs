using System.Data.Common;
using Npgsql;

namespace Workflow.Host.Server.Storage;

/// <summary>
/// The shared store: any number of servers on one PostgreSQL database. Claims lock the row they take and skip rows
/// others hold (FOR UPDATE SKIP LOCKED), so no two servers start the same prompt.
/// </summary>
public sealed class PostgresPromptStore : SqlPromptStore
{
    private readonly NpgsqlDataSource _dataSource;

    private PostgresPromptStore(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    protected override string SerialPrimaryKey => "BIGSERIAL PRIMARY KEY";

    protected override string ClaimLock => "FOR UPDATE SKIP LOCKED";

    protected override string OffsetOnlyLimit => "LIMIT ALL";

    public static async Task<PostgresPromptStore> OpenAsync(string connectionString, CancellationToken cancellation)
    {
        var store = new PostgresPromptStore(NpgsqlDataSource.Create(connectionString));
        await store.UseAsync(async connection =>
        {
            // Servers starting together would race on CREATE TABLE IF NOT EXISTS; an advisory lock takes them in turn.
            // A queue made before attempts were counted gains the column.
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT pg_advisory_lock(8188);" + store.SchemaSql
                + "ALTER TABLE queue ADD COLUMN IF NOT EXISTS attempts INTEGER NOT NULL DEFAULT 0;"
                + "SELECT pg_advisory_unlock(8188);";
            return await command.ExecuteNonQueryAsync(cancellation);
        }, cancellation);
        return store;
    }

    protected override async Task<T> UseAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellation)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellation);
        return await work(connection);
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
