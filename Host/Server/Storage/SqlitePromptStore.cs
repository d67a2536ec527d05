using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Workflow.Host.Server.Storage;

/// <summary>
/// The embedded store: one SQLite file owned by one server process. Every statement goes through one connection in
/// turn (SQLite allows one writer); WAL keeps commits cheap, and synchronous=NORMAL survives a killed process (only
/// a power cut can lose the last commits).
/// </summary>
public sealed class SqlitePromptStore : SqlPromptStore
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _turn = new(1, 1);

    private SqlitePromptStore(SqliteConnection connection) => _connection = connection;

    protected override string SerialPrimaryKey => "INTEGER PRIMARY KEY AUTOINCREMENT";

    protected override string ClaimLock => "";

    protected override string OffsetOnlyLimit => "LIMIT -1";

    /// <summary>
    /// Opens (creating, or bringing an older file's queue up to date) the file. Prompts left running belong to a
    /// process that is gone, since one process owns the file: they go back to the queue at once rather than after
    /// their lease, keeping the attempt that process's death cost them.
    /// </summary>
    public static async Task<SqlitePromptStore> OpenAsync(string path, CancellationToken cancellation)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(cancellation);
        var store = new SqlitePromptStore(connection);
        await store.UseAsync(async c =>
        {
            await using var command = c.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;" + store.SchemaSql;
            await command.ExecuteNonQueryAsync(cancellation);
            command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('queue') WHERE name = 'attempts'";
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellation), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                command.CommandText = "ALTER TABLE queue ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0";
                await command.ExecuteNonQueryAsync(cancellation);
            }
            command.CommandText = "UPDATE queue SET state = 'pending', worker = NULL, lease_until = NULL WHERE state = 'running';";
            return await command.ExecuteNonQueryAsync(cancellation);
        }, cancellation);
        return store;
    }

    protected override async Task<T> UseAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellation)
    {
        await _turn.WaitAsync(cancellation);
        try
        {
            return await work(_connection);
        }
        finally
        {
            _turn.Release();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _turn.WaitAsync();
        await _connection.DisposeAsync();
        _turn.Dispose();
    }
}
