using System.Text.Json.Nodes;
using Workflow.NodeSdk;
using Workflow.Nodes.Camera.Cameras;
using Workflow.Nodes.Camera.Nodes;
using Workflow.Nodes.Camera.Tests.Support;
using Workflow.Testing;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>
/// camera.json and camera/*.safetensors: the SANA-WM pipeline's camera path, check_inputs → preprocess_with_intrinsics
/// → prepare_camera, run here as Intrinsics → CameraFromActions / CameraFromPoses → CameraSnapFrames →
/// CameraResizeCrop → RelativeToFirst / PluckerRays, every stage against its stored tensor.
/// </summary>
public sealed class CameraConditioningFixtureTests
{
    public static TheoryData<int, string> Configs => SanaWmCameraFixture.CaseRows("camera.json", c => (string)c["name"]!, key: "configs");

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Configs))]
    public void Checked_poses_and_intrinsics_are_exact(int index, string name)
    {
        var (config, file) = Config(index);
        var snapped = Snapped(config, file);
        Assert.Equal((int)config["num_frames"]!, snapped.NumFrames);
        foreach (var tensor in new[] { "c2w_from_action", "c2w" }.Where(t => Has(file, t)))
            SanaWmCameraFixture.Expect(name, SanaWmCameraFixture.Tensor(file, tensor), ActionStringFixtureTests.Flatten(snapped.Camera));
        SanaWmCameraFixture.Expect(name, SanaWmCameraFixture.Tensor(file, "intrinsics_checked"), Values(snapped.Camera.Intrinsics!));
    }

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Configs))]
    public void Intrinsics_follow_the_resize_and_crop(int index, string name)
    {
        var (config, file) = Config(index);
        var cropped = Cropped(config, Snapped(config, file).Camera);
        var (source, resized, offset) = (Ints(config["src_size_wh"]), Ints(config["resized_size_wh"]), Ints(config["crop_offset_left_top"]));
        var crop = ResizeCrop.To(source[0], source[1], cropped.Intrinsics!.Width, cropped.Intrinsics.Height);
        Assert.Equal((resized[0], resized[1]), (crop.ResizedWidth, crop.ResizedHeight));
        Assert.Equal((offset[0], offset[1]), (crop.Left, crop.Top));
        SanaWmCameraFixture.Expect(name, SanaWmCameraFixture.Tensor(file, "intrinsics_cropped"), Values(cropped.Intrinsics));
    }

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Configs))]
    public void Poses_relative_to_the_first_match(int index, string name)
    {
        var (config, file) = Config(index);
        var relative = new RelativeToFirst().Execute(Snapped(config, file).Camera);
        Assert.Equal(CameraPose.Identity, relative.Poses[0]);
        SanaWmCameraFixture.Expect(name, SanaWmCameraFixture.Tensor(file, "relative_poses"), ActionStringFixtureTests.Flatten(relative));
    }

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Configs))]
    public void Raymap_and_chunk_plucker_match_prepare_camera(int index, string name)
    {
        var (config, file) = Config(index);
        using var rays = new PluckerRays().Execute(Cropped(config, Snapped(config, file).Camera));
        var (raymap, plucker) = (SanaWmCameraFixture.Tensor(file, "raymap"), SanaWmCameraFixture.Tensor(file, "chunk_plucker"));
        Assert.Equal(raymap.Shape, rays.Raymap.shape);
        Assert.Equal(plucker.Shape, rays.ChunkPlucker.shape);
        Assert.Equal([(long)config["latent_frames"]!, .. Ints(config["latent_hw"]).Select(v => (long)v)], plucker.Shape[1..]);
        SanaWmCameraFixture.Expect(name, raymap, rays.Raymap.ToArray<double>());
        SanaWmCameraFixture.Expect(name, plucker, rays.ChunkPlucker.ToArray<double>());
    }

    private static (JsonObject Config, string File) Config(int index)
    {
        var config = SanaWmCameraFixture.Cases("camera.json", key: "configs")[index]!.AsObject();
        return (config, (string)config["file"]!);
    }

    /// <summary>check_inputs: the trajectory with its intrinsics, cut to the snapped frame count.</summary>
    private static SnappedCamera Snapped(JsonObject config, string file)
    {
        var (width, height) = (Ints(config["src_size_wh"])[0], Ints(config["src_size_wh"])[1]);
        var poses = config["action"] is JsonValue ? null : SanaWmCameraFixture.Tensor(file, "c2w_input");
        var frames = poses is null ? ActionScript.Parse((string)config["action"]!).FrameCount + 1 : (int)poses.Shape[0];
        var intrinsics = new Nodes.Intrinsics().Execute(IntrinsicsText(config, file), frames, width, height);
        var camera = poses is null
            ? new CameraFromActions().Execute((string)config["action"]!, intrinsics: intrinsics)
            : new CameraFromPoses().Execute(CameraEngine.Context(), NestedJson.Of(poses.Values, poses.Shape), intrinsics: intrinsics);
        return new CameraSnapFrames().Execute(camera, (int)config["num_frames_arg"]!);
    }

    private static NodeSdk.Camera Cropped(JsonObject config, NodeSdk.Camera camera)
    {
        var target = Ints(config["target_hw"]);
        return new CameraResizeCrop().Execute(camera, target[1], target[0]);
    }

    /// <summary>The intrinsics as JSON text: listed in camera.json, or stored as the "intrinsics_input" tensor.</summary>
    private static string IntrinsicsText(JsonObject config, string file)
    {
        if (config["intrinsics_input"] is JsonArray listed)
            return listed.ToJsonString();
        var stored = SanaWmCameraFixture.Tensor(file, "intrinsics_input");
        return NestedJson.Of(stored.Values, stored.Shape);
    }

    private static bool Has(string file, string tensor) =>
        SanaWmCameraFixture.Json("manifest.json")["tensors"]![file]!.AsObject().ContainsKey(tensor);

    private static double[] Values(CameraIntrinsics intrinsics) => [.. intrinsics.Frames.SelectMany(k => new[] { k.Fx, k.Fy, k.Cx, k.Cy })];

    private static int[] Ints(JsonNode? node) => [.. node!.AsArray().Select(v => (int)v!)];
}
