namespace Workflow.Host.Server.Storage;

/// <summary>Opens the store <c>--store</c> names: a <c>postgres://</c> URL, else a SQLite file (by default under the data folder).</summary>
public static class PromptStores
{
    public static string DefaultSqlitePath(string baseDirectory) => Path.Combine(baseDirectory, "data", "server.db");

    public static bool IsPostgres(string store) =>
        store.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || store.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    public static async Task<IPromptStore> OpenAsync(string store, CancellationToken cancellation) =>
        IsPostgres(store)
            ? await PostgresPromptStore.OpenAsync(PostgresUrl.ToConnectionString(store), cancellation)
            : await SqlitePromptStore.OpenAsync(store, cancellation);
}
