using System.Diagnostics;
using Workflow.Host.Plugins;
using Workflow.Host.Tests.Support;

namespace Workflow.Host.Tests.Sdk;

/// <summary>
/// A plugin as a .NET developer makes one outside this repository: install the template package, create a plugin,
/// build it against the packed Workflow.NodeSdk from a local package source (no HintPath, no network), load it and
/// run it. The template store, the NuGet caches and the dotnet home are the test's own, so the user's are untouched.
/// </summary>
public sealed class PluginTemplateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("workflow-template-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Plugin_made_from_the_template_builds_against_the_package_loads_and_runs()
    {
        var project = Path.Combine(_dir, "src", "Acme.Nodes");
        Dotnet("new", "install", Path.Combine(BuildPaths.Packages, "Workflow.Templates.1.2.0.nupkg"), "--debug:custom-hive", Hive);
        Dotnet("new", "workflow-plugin", "-n", "Acme.Nodes", "-o", project, "--sdk-source", BuildPaths.Packages, "--debug:custom-hive", Hive);
        var csproj = File.ReadAllText(Path.Combine(project, "Acme.Nodes.csproj"));
        Assert.DoesNotContain("HintPath", csproj);
        Assert.Contains($"<PackageReference Include=\"Workflow.NodeSdk\" Version=\"{SdkVersion}\" />", csproj);

        var plugins = Path.Combine(_dir, "plugins");
        Dotnet("publish", project, "-c", "Release", "-o", Path.Combine(plugins, "Acme.Nodes"));
        Assert.False(File.Exists(Path.Combine(plugins, "Acme.Nodes", "Workflow.NodeSdk.dll")), "the host supplies the SDK; the plugin must not carry it");

        var workflow = Path.Combine(_dir, "acme.json");
        File.WriteAllText(workflow, """
            {"1": {"class_type": "Acme.Nodes.RepeatText", "inputs": {"text": "hi", "times": 3}},
             "2": {"class_type": "SaveText", "inputs": {"value": ["1", 0], "filename_prefix": "acme"}}}
            """);
        var run = CliRunner.Run(_dir, "run", workflow, "--plugins", plugins);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal("hi hi hi", File.ReadAllText(Path.Combine(_dir, "output", "acme_00001_.txt")));
    }

    /// <summary>The analyzer travels in the package: a schema mistake fails the plugin's own build, with its id.</summary>
    [Fact]
    public void Schema_mistake_in_a_plugin_from_the_template_fails_its_build_with_the_analyzers_id()
    {
        var project = Path.Combine(_dir, "src", "Acme.Broken");
        Dotnet("new", "install", Path.Combine(BuildPaths.Packages, "Workflow.Templates.1.2.0.nupkg"), "--debug:custom-hive", Hive);
        Dotnet("new", "workflow-plugin", "-n", "Acme.Broken", "-o", project, "--sdk-source", BuildPaths.Packages, "--debug:custom-hive", Hive);
        File.WriteAllText(Path.Combine(project, "Clamp.cs"), """
            using Workflow.NodeSdk;

            [Node("Acme.Broken.Clamp")]
            public sealed class Clamp : INode
            {
                public long Execute([Int(Min = 0, Max = 10)] long value = 99) => value;
            }
            """);

        var build = Dotnet(expectSuccess: false, "build", project);
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error WFN003: Node 'Acme.Broken.Clamp': input 'value' defaults to 99, outside [0, 10]", build.Output);
    }

    private string Hive => Path.Combine(_dir, "template-hive");

    private static string SdkVersion => $"{SdkCompatibility.HostVersion.Major}.{SdkCompatibility.HostVersion.Minor}.{SdkCompatibility.HostVersion.Build}";

    private sealed record Result(int ExitCode, string Output);

    private Result Dotnet(params string[] args) => Dotnet(expectSuccess: true, args);

    /// <summary>
    /// Runs the dotnet CLI with a home, template hive and package folder of the test's own. Packages come from local
    /// folders only: the packed SDK, and the machine's package folder for the SDK's own dependencies.
    /// </summary>
    private Result Dotnet(bool expectSuccess, params string[] args)
    {
        WriteOfflineNuGetConfig();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_HOME"] = Path.Combine(_dir, "home");
        start.Environment["NUGET_PACKAGES"] = Path.Combine(_dir, "nuget-packages");
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var inherited in new[] { "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "DOTNET_HOST_PATH" })
            start.Environment.Remove(inherited);   // set by the test host for its own build; the plugin's build finds its own
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', args)} did not finish within 5 minutes");
        }
        var result = new Result(process.ExitCode, stdout.Result + stderr.Result);
        if (expectSuccess)
            Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited {result.ExitCode}:\n{result.Output}");
        return result;
    }

    private void WriteOfflineNuGetConfig()
    {
        var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(_dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="machine-packages" value="{machinePackages}" />
              </packageSources>
            </configuration>
            """);
    }
}
