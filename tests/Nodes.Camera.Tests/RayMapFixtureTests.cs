using Workflow.NodeSdk;
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
        var poses = SanaWmCameraFixture.Tensor(File, "poses");
        var intrinsics = SanaWmCameraFixture.Tensor(File, "intrinsics");
        var actual = Enumerable.Range(0, (int)poses.Shape[0]).SelectMany(t =>
        {
            var pose = RigidTransform.Of(new CameraPose(poses.Values.AsSpan(16 * t, 16)));
            var k = new PinholeIntrinsics(intrinsics.Values[4 * t], intrinsics.Values[4 * t + 1], intrinsics.Values[4 * t + 2], intrinsics.Values[4 * t + 3]);
            return RayMap.Compute(pose, k, height, width, encoding);
        }).ToList();
        SanaWmCameraFixture.Expect("compute_raymap_direct", SanaWmCameraFixture.Tensor(File, tensor), actual);
    }
}
