using Workflow.Host.Engine;
using Workflow.Imaging;
using Workflow.Nodes.Camera.Nodes;
using Workflow.Testing;

namespace Workflow.Nodes.Camera.Tests.Support;

/// <summary>An engine over the Nodes.Camera assembly, loaded in-process.</summary>
internal static class CameraEngine
{
    public static TestEngine Create() => new([typeof(OrbitCameras).Assembly]);

    /// <summary>A context for calling a node directly, with ComfyUI's folders under <paramref name="root"/> (by default none that exist).</summary>
    public static TestNodeContext Context(string root = "/nonexistent/workflow-base") => new(EngineOptions.PathsUnder(root));

    /// <summary>A workflow of the repository's workflows/ folder, as text.</summary>
    public static string Workflow(string name) => File.ReadAllText(Path.Combine(Golden.RepoRoot, "workflows", name));

    /// <summary>Checks that a preview is what a person can look at: a PNG of the asked size, not one flat colour.</summary>
    public static void AssertLooksLikeAPicture(byte[] png, int width, int height)
    {
        Assert.True(Png.IsPng(png), "not a PNG");
        var image = Png.Decode(png).Image;
        Assert.Equal((width, height), (image.Width, image.Height));
        var pixels = image.Pixels;
        var distinct = Enumerable.Range(0, pixels.Length / image.Channels)
            .Select(i => (pixels[i * image.Channels], pixels[i * image.Channels + 1], pixels[i * image.Channels + 2]))
            .Distinct().Count();
        Assert.True(distinct > 16, $"the preview has only {distinct} colours");
    }
}
