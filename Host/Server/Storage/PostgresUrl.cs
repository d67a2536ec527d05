using Npgsql;

namespace Workflow.Host.Server.Storage;

/// <summary>
/// <c>postgres://user:password@host:port/database?sslmode=require</c> (libpq's URL form) as an Npgsql connection string,
/// which takes only key=value pairs. Query parameters pass through as keys.
/// </summary>
public static class PostgresUrl
{
    public static string ToConnectionString(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException($"'{url}' is not a postgres://user:password@host:port/database URL");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } database ? database : "postgres",
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        if (userInfo.Length == 2)
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var keyValue = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(keyValue[0])] = keyValue.Length == 2 ? Uri.UnescapeDataString(keyValue[1]) : "";
        }
        return builder.ConnectionString;
    }
}
