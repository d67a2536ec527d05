using Workflow.Imaging;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Nodes;
using Workflow.Nodes.Camera.Tests.Support;
using Workflow.Testing;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>CameraPreview draws every kind of camera into a PNG of the asked size that is more than a flat colour.</summary>
public sealed class PreviewTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("camera-preview-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Cameras => ["orbit with reference slot", "opengl orbit", "single pose", "turning on the spot", "long walk"];

    [Theory, MemberData(nameof(Cameras))]
    public void Preview_is_a_png_of_the_asked_size_with_a_picture_in_it(string name)
    {
        var context = CameraEngine.Context(_root);
        var ui = new CameraPreview().Execute(context, Make(name), "preview", width: 640, height: 360).ToJson();
        var file = (string)ui["images"]![0]!["filename"]!;
        CameraEngine.AssertLooksLikeAPicture(File.ReadAllBytes(Path.Combine(context.Paths.Output, file)), 640, 360);
    }

    [Fact]
    public void Preview_carries_the_workflow_as_comfyui_images_do()
    {
        var context = new PromptContext(_root);
        var ui = new CameraPreview().Execute(context, Make("single pose"), "preview").ToJson();
        var png = Png.Read(Path.Combine(context.Paths.Output, (string)ui["images"]![0]!["filename"]!));
        Assert.Equal("""{"1":{"class_type":"OrbitCameras"}}""", png.GetText("prompt"));
        Assert.Equal("""{"nodes":[]}""", png.GetText("workflow"));
    }

    private static NodeSdk.Data.Camera Make(string name) => name switch
    {
        "orbit with reference slot" => new OrbitCameras().Execute(views: 4, elevation: 5, extraReferenceView: true),
        "opengl orbit" => new OrbitCameras().Execute(views: 8, elevation: -20, azimuthSpan: 180, blenderCoords: false),
        "single pose" => new NodeSdk.Data.Camera(CameraConvention.OpenCv, [CameraPose.Identity]),
        "turning on the spot" => new CameraFromActions().Execute("j-60,i-20"),
        _ => new CameraFromActions().Execute("w-3000,lw-2000,iwd-3000,ks-2000"),
    };

    private sealed class PromptContext(string root) : NodeContext
    {
        private readonly TestNodeContext _inner = CameraEngine.Context(root);
        public override string NodeId => _inner.NodeId;
        public override string PromptId => _inner.PromptId;
        public override CancellationToken Cancellation => _inner.Cancellation;
        public override Microsoft.Extensions.Logging.ILogger Logger => _inner.Logger;
        public override NodePaths Paths => _inner.Paths;
        public override PromptMetadata Metadata { get; } = new(
            System.Text.Json.Nodes.JsonNode.Parse("""{"1": {"class_type": "OrbitCameras"}}""")!.AsObject(),
            System.Text.Json.Nodes.JsonNode.Parse("""{"workflow": {"nodes": []}}""")!.AsObject());
        public override void ReportProgress(long value, long max, PreviewImage? preview = null) { }
    }
}
