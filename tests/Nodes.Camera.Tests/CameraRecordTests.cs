using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Nodes;
using Workflow.Torch;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>The SDK's camera records refuse what is not a camera, and own what they hold.</summary>
public sealed class CameraRecordTests
{
    [Fact]
    public void A_pose_must_be_rigid()
    {
        double[] scaled = [2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
        double[] mirrored = [-1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
        double[] projective = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0.5, 1];
        Assert.Contains("orthonormal", Assert.Throws<ArgumentException>(() => new CameraPose(scaled)).Message);
        Assert.Contains("determinant +1", Assert.Throws<ArgumentException>(() => new CameraPose(mirrored)).Message);
        Assert.Contains("(0, 0, 0, 1)", Assert.Throws<ArgumentException>(() => new CameraPose(projective)).Message);
        Assert.Throws<ArgumentException>(() => new CameraPose([1, 0, 0]));
    }

    [Fact]
    public void Intrinsics_need_a_frame_per_pose_and_positive_focal_lengths()
    {
        var two = new CameraIntrinsics([new PinholeIntrinsics(500, 500, 320, 240), new PinholeIntrinsics(510, 510, 320, 240)], 640, 480);
        Assert.Throws<ArgumentException>(() => new NodeSdk.Data.Camera(CameraConvention.OpenCv, [CameraPose.Identity], two));
        Assert.Throws<ArgumentException>(() => new CameraIntrinsics([new PinholeIntrinsics(0, 500, 320, 240)], 640, 480));
        Assert.Throws<ArgumentException>(() => new CameraIntrinsics([new PinholeIntrinsics(500, 500, 320, 240)], 0, 480));
        Assert.Equal(1, two.Take(1).FrameCount);
    }

    [Fact]
    public void Cameras_compare_by_value()
    {
        Assert.Equal(new CameraFromActions().Execute("w-3,l-2"), new CameraFromActions().Execute("w-3,l-2"));
        Assert.NotEqual(new CameraFromActions().Execute("w-3,l-2"), new CameraFromActions().Execute("w-3,j-2"));
    }

    [Fact]
    public void Camera_rays_count_their_bytes_and_free_their_tensors()
    {
        var intrinsics = new CameraIntrinsics(Enumerable.Repeat(new PinholeIntrinsics(300, 300, 128, 80), 17), 256, 160);
        var rays = new PluckerRays().Execute(new CameraFromActions().Execute("w-16", intrinsics: intrinsics));
        Assert.Equal(3, rays.LatentFrames);
        Assert.Equal((3 * 20 + 48 * 3 * 5 * 8) * sizeof(float), rays.HostBytes);
        Assert.Equal(0, rays.DeviceBytes);
        rays.Dispose();
        Assert.True(rays.Raymap.IsDisposed && rays.ChunkPlucker.IsDisposed);
    }

    [Fact]
    public void Plucker_rays_need_an_opencv_camera_with_intrinsics()
    {
        var orbit = new OrbitCameras().Execute();
        Assert.Equal("camera", Assert.Throws<InputException>(() => new PluckerRays().Execute(orbit)).InputName);
        var withoutIntrinsics = new CameraFromActions().Execute("w-8");
        Assert.Contains("no intrinsics", Assert.Throws<InputException>(() => new PluckerRays().Execute(withoutIntrinsics)).Message);
    }
}
