namespace Workflow.Server.Tests.Support;

/// <summary>Node.js programs on the PATH.</summary>
public static class NodeClient
{
    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
