namespace Workflow.Host.Plugins;

/// <summary>
/// Where plugins are found: the folder next to the host, then any extra folders from the command line or the
/// WORKFLOW_PLUGIN_PATH environment variable (separated by ':'). Each plugin is one subfolder.
/// </summary>
public sealed record PluginOptions(IReadOnlyList<string> Directories)
{
    public const string EnvironmentVariable = "WORKFLOW_PLUGIN_PATH";

    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");

    public static PluginOptions FromEnvironment(IEnumerable<string> extraDirectories)
    {
        var fromEnv = (Environment.GetEnvironmentVariable(EnvironmentVariable) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new PluginOptions([DefaultDirectory, .. extraDirectories, .. fromEnv]);
    }
}
