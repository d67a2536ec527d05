using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Workflow.Host.Server.Storage;

/// <summary>
/// The queue and history as two tables, in SQL both SQLite and PostgreSQL speak; the subclasses supply the
/// connections, the serial column and the row lock that lets several servers claim from one table. Every claim
/// counts an attempt and a graceful release gives it back, so <c>attempts</c> counts the runs a dying server cut off.
/// </summary>
public abstract class SqlPromptStore : IPromptStore
{
    private const string AcceptedColumns = "prompt_id, number, prompt, extra_data, outputs, accepted_at";
    private const string QueueColumns = AcceptedColumns + ", attempts";

    /// <summary>Runs <paramref name="work"/> on an open connection.</summary>
    protected abstract Task<T> UseAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellation);

    /// <summary>The column type of an auto-incrementing primary key.</summary>
    protected abstract string SerialPrimaryKey { get; }

    /// <summary>Appended to the claim's inner select: skips rows another server is claiming right now.</summary>
    protected abstract string ClaimLock { get; }

    protected string SchemaSql => $"""
        CREATE TABLE IF NOT EXISTS queue (
            seq {SerialPrimaryKey},
            prompt_id TEXT NOT NULL UNIQUE,
            number DOUBLE PRECISION,
            prompt TEXT NOT NULL,
            extra_data TEXT NOT NULL,
            outputs TEXT NOT NULL,
            accepted_at BIGINT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            worker TEXT,
            lease_until BIGINT,
            attempts INTEGER NOT NULL DEFAULT 0);   -- stores made before it gain it in each subclass's OpenAsync
        CREATE INDEX IF NOT EXISTS queue_order ON queue (state, number, seq);
        CREATE TABLE IF NOT EXISTS history (
            seq {SerialPrimaryKey},
            prompt_id TEXT NOT NULL UNIQUE,
            entry TEXT NOT NULL);
        """;

    public Task<double?> EnqueueAsync(NewPrompt prompt, double? number, bool front, CancellationToken cancellation) => UseAsync<double?>(async connection =>
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        var inserted = await ExecuteAsync(connection, transaction, $"""
            INSERT INTO queue ({AcceptedColumns}) SELECT @id, @number, @prompt, @extra, @outputs, @accepted
            WHERE NOT EXISTS (SELECT 1 FROM history WHERE prompt_id = @id) ON CONFLICT (prompt_id) DO NOTHING
            """, cancellation,
            ("id", prompt.PromptId), ("number", number), ("prompt", prompt.Prompt.ToJsonString()), ("extra", prompt.ExtraData.ToJsonString()),
            ("outputs", new JsonArray(prompt.Outputs.Select(o => (JsonNode)o).ToArray()).ToJsonString()), ("accepted", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        if (inserted == 0)
            return null;
        if (number is null)
            await ExecuteAsync(connection, transaction, "UPDATE queue SET number = seq * @sign WHERE prompt_id = @id", cancellation,
                ("sign", front ? -1.0 : 1.0), ("id", prompt.PromptId));
        var assigned = await ScalarAsync(connection, transaction, "SELECT number FROM queue WHERE prompt_id = @id", cancellation, ("id", prompt.PromptId));
        await transaction.CommitAsync(cancellation);
        return Convert.ToDouble(assigned, CultureInfo.InvariantCulture);
    }, cancellation);

    public Task<QueuedPrompt?> ClaimAsync(string workerId, TimeSpan lease, CancellationToken cancellation) => UseAsync(async connection =>
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var sql = $"""
            UPDATE queue SET state = 'running', worker = @worker, lease_until = @until, attempts = attempts + 1
            WHERE prompt_id = (SELECT prompt_id FROM queue WHERE state = 'pending' OR (state = 'running' AND lease_until < @now)
                               ORDER BY number, seq LIMIT 1 {ClaimLock})
            RETURNING {QueueColumns}
            """;
        var claimed = await ReadQueueAsync(connection, null, sql, cancellation, ("worker", workerId), ("until", now + (long)lease.TotalMilliseconds), ("now", now));
        return claimed.SingleOrDefault();
    }, cancellation);

    public Task<bool> RenewAsync(string promptId, string workerId, TimeSpan lease, CancellationToken cancellation) => UseAsync(async connection =>
        await ExecuteAsync(connection, null, "UPDATE queue SET lease_until = @until WHERE prompt_id = @id AND worker = @worker AND state = 'running'", cancellation,
            ("until", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)lease.TotalMilliseconds), ("id", promptId), ("worker", workerId)) == 1, cancellation);

    public Task ReleaseAsync(string promptId, string workerId, CancellationToken cancellation) => UseAsync(connection =>
        ExecuteAsync(connection, null,
            "UPDATE queue SET state = 'pending', worker = NULL, lease_until = NULL, attempts = attempts - 1 WHERE prompt_id = @id AND worker = @worker", cancellation,
            ("id", promptId), ("worker", workerId)), cancellation);

    public Task<bool> CompleteAsync(string promptId, string workerId, JsonObject historyEntry, CancellationToken cancellation) => UseAsync(async connection =>
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        var held = await ExecuteAsync(connection, transaction, "DELETE FROM queue WHERE prompt_id = @id AND worker = @worker AND state = 'running'", cancellation,
            ("id", promptId), ("worker", workerId));
        if (held != 1)
            return false;
        await ExecuteAsync(connection, transaction,
            "INSERT INTO history (prompt_id, entry) VALUES (@id, @entry) ON CONFLICT (prompt_id) DO UPDATE SET entry = excluded.entry", cancellation,
            ("id", promptId), ("entry", historyEntry.ToJsonString()));
        await transaction.CommitAsync(cancellation);
        return true;
    }, cancellation);

    public Task<QueueSnapshot> QueueAsync(CancellationToken cancellation) => UseAsync(async connection =>
    {
        var running = await ReadQueueAsync(connection, null, $"SELECT {QueueColumns} FROM queue WHERE state = 'running' ORDER BY number, seq", cancellation);
        var pending = await ReadQueueAsync(connection, null, $"SELECT {QueueColumns} FROM queue WHERE state = 'pending' ORDER BY number, seq", cancellation);
        return new QueueSnapshot(running, pending);
    }, cancellation);

    public Task<int> RemainingAsync(CancellationToken cancellation) => UseAsync(async connection =>
        Convert.ToInt32(await ScalarAsync(connection, null, "SELECT COUNT(*) FROM queue", cancellation), CultureInfo.InvariantCulture), cancellation);

    public Task DeletePendingAsync(IReadOnlyCollection<string> promptIds, CancellationToken cancellation) =>
        DeleteWhereIdInAsync("DELETE FROM queue WHERE state = 'pending' AND prompt_id", promptIds, cancellation);

    public Task ClearPendingAsync(CancellationToken cancellation) => UseAsync(connection =>
        ExecuteAsync(connection, null, "DELETE FROM queue WHERE state = 'pending'", cancellation), cancellation);

    public Task<IReadOnlyList<(string PromptId, JsonObject Entry)>> HistoryAsync(int? maxItems, int? offset, CancellationToken cancellation) => UseAsync(async connection =>
    {
        // ComfyUI's get_history: max_items alone means the last N; with an offset, N from that position.
        var sql = (maxItems, offset) switch
        {
            ({ } n, null) => $"SELECT prompt_id, entry FROM (SELECT seq, prompt_id, entry FROM history ORDER BY seq DESC LIMIT {n}) last ORDER BY seq",
            ({ } n, { } o) => $"SELECT prompt_id, entry FROM history ORDER BY seq LIMIT {n} OFFSET {o}",
            (null, { } o) => $"SELECT prompt_id, entry FROM history ORDER BY seq {OffsetOnlyLimit} OFFSET {o}",
            _ => "SELECT prompt_id, entry FROM history ORDER BY seq",
        };
        var entries = new List<(string, JsonObject)>();
        await using var command = Command(connection, null, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            entries.Add((reader.GetString(0), (JsonObject)JsonNode.Parse(reader.GetString(1))!));
        return (IReadOnlyList<(string, JsonObject)>)entries;
    }, cancellation);

    /// <summary>What stands for "no limit" before an OFFSET (SQLite needs a LIMIT clause, PostgreSQL accepts ALL).</summary>
    protected abstract string OffsetOnlyLimit { get; }

    public Task<JsonObject?> HistoryEntryAsync(string promptId, CancellationToken cancellation) => UseAsync(async connection =>
        await ScalarAsync(connection, null, "SELECT entry FROM history WHERE prompt_id = @id", cancellation, ("id", promptId)) is string json
            ? JsonNode.Parse(json) as JsonObject
            : null, cancellation);

    public Task DeleteHistoryAsync(IReadOnlyCollection<string> promptIds, CancellationToken cancellation) =>
        DeleteWhereIdInAsync("DELETE FROM history WHERE prompt_id", promptIds, cancellation);

    public Task ClearHistoryAsync(CancellationToken cancellation) => UseAsync(connection =>
        ExecuteAsync(connection, null, "DELETE FROM history", cancellation), cancellation);

    public abstract ValueTask DisposeAsync();

    private Task DeleteWhereIdInAsync(string deleteWhereColumn, IReadOnlyCollection<string> promptIds, CancellationToken cancellation)
    {
        if (promptIds.Count == 0)
            return Task.CompletedTask;
        var parameters = promptIds.Select((id, i) => ($"p{i}", (object?)id)).ToArray();
        var sql = $"{deleteWhereColumn} IN ({string.Join(", ", parameters.Select(p => "@" + p.Item1))})";
        return UseAsync(connection => ExecuteAsync(connection, null, sql, cancellation, parameters), cancellation);
    }

    private static async Task<List<QueuedPrompt>> ReadQueueAsync(
        DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellation, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var prompts = new List<QueuedPrompt>();
        while (await reader.ReadAsync(cancellation))
            prompts.Add(new QueuedPrompt(
                reader.GetString(0), reader.GetDouble(1),
                (JsonObject)JsonNode.Parse(reader.GetString(2))!, (JsonObject)JsonNode.Parse(reader.GetString(3))!,
                JsonNode.Parse(reader.GetString(4))!.AsArray().Select(o => (string)o!).ToList(),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)))
            {
                Attempts = reader.GetInt32(6),
            });
        return prompts;
    }

    private static async Task<int> ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellation, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellation);
    }

    private static async Task<object?> ScalarAsync(
        DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellation, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellation);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
