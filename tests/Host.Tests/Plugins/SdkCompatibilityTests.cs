using Workflow.Host.Plugins;
using Workflow.Host.Tests.Support;

namespace Workflow.Host.Tests.Plugins;

/// <summary>The rule a plugin's SDK version must meet: same major version, minor no newer than the host's.</summary>
public sealed class SdkCompatibilityTests
{
    [Theory]
    [InlineData("1.0.0.0", "1.0.0.0")]
    [InlineData("1.0.0.0", "1.3.0.0")]
    [InlineData("1.3.2.0", "1.3.0.0")]
    public void Same_major_and_no_newer_minor_is_accepted(string plugin, string host) =>
        Assert.Null(SdkCompatibility.Problem(Version.Parse(plugin), Version.Parse(host)));

    [Fact]
    public void Another_major_version_is_refused_saying_what_to_rebuild_against() =>
        Assert.Equal("it was built against Workflow.NodeSdk 2.0.0, and this host has 1.4.0: rebuild it against Workflow.NodeSdk 1.x (a new major version of the SDK breaks plugins)",
            SdkCompatibility.Problem(new Version(2, 0, 0, 0), new Version(1, 4, 0, 0)));

    [Fact]
    public void A_newer_minor_version_is_refused() =>
        Assert.Equal("it was built against Workflow.NodeSdk 1.2.0, newer than this host's 1.1.0: update the host, or build the plugin against Workflow.NodeSdk 1.1.0",
            SdkCompatibility.Problem(new Version(1, 2, 0, 0), new Version(1, 1, 0, 0)));

    [Fact]
    public void Plugins_built_here_reference_the_hosts_sdk_version()
    {
        var plugin = System.Reflection.Assembly.LoadFile(Path.Combine(BuildPaths.TestPlugins, "JsonOldPlugin", "JsonOldPlugin.dll"));
        Assert.Equal(SdkCompatibility.HostVersion, SdkCompatibility.ReferencedBy(plugin));
    }
}
