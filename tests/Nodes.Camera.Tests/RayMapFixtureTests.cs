using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Cameras;
using Workflow.Nodes.Camera.Tests.Support;
using Workflow.Testing;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>compute_raymap_direct.safetensors: cam_utils.compute_raymap on its own, in both encodings.</summary>
public sealed class RayMapFixtureTests
{
    private const string File = "camera/compute_raymap_direct.safetensors";

    [GoldenTheory(SanaWmCameraFixture.Name)]
    [InlineData("plucker")]
    [InlineData("origin_direction")]
    public void Ray_maps_match_compute_raymap(string tensor)
    {
        var encoding = tensor == "plucker" ? RayEncoding.Plucker : RayEncoding.OriginDirection;
        var config = SanaWmCameraFixture.Json("camera.json")["compute_raymap_direct"]!;
        var (height, width) = ((int)config["H"]!, (int)config["W"]!);
        using var golden = GoldenTensors.Open(SanaWmCameraFixture.Name, File);
        var (poses, shape) = SanaWmCameraFixture.Input(golden, "poses");
        var (intrinsics, _) = SanaWmCameraFixture.Input(golden, "intrinsics");
        var actual = Enumerable.Range(0, (int)shape[0]).SelectMany(t =>
        {
            var pose = RigidTransform.Of(new CameraPose(poses.AsSpan(16 * t, 16)));
            var k = new PinholeIntrinsics(intrinsics[4 * t], intrinsics[4 * t + 1], intrinsics[4 * t + 2], intrinsics[4 * t + 3]);
            return RayMap.Compute(pose, k, height, width, encoding);
        }).ToList();
        SanaWmCameraFixture.AssertMatches(golden, tensor, actual);
    }
}
