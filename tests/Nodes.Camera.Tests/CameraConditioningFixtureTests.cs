using System.Text.Json.Nodes;
using Workflow.NodeSdk.Data;
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
        var config = Config(index);
        using var golden = Tensors(config);
        var snapped = Snapped(config, golden);
        Assert.True((int)config["num_frames"]! == snapped.NumFrames, $"{name}: {snapped.NumFrames} frames kept, expected {config["num_frames"]}");
        foreach (var tensor in new[] { "c2w_from_action", "c2w" }.Where(golden.Contains))
            SanaWmCameraFixture.AssertMatches(golden, tensor, ActionStringFixtureTests.Flatten(snapped.Camera));
        SanaWmCameraFixture.AssertMatches(golden, "intrinsics_checked", Values(snapped.Camera.Intrinsics!));
    }

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Configs))]
    public void Intrinsics_follow_the_resize_and_crop(int index, string name)
    {
        var config = Config(index);
        using var golden = Tensors(config);
        var cropped = Cropped(config, Snapped(config, golden).Camera);
        var (source, resized, offset) = (Ints(config["src_size_wh"]), Ints(config["resized_size_wh"]), Ints(config["crop_offset_left_top"]));
        var crop = ResizeCrop.To(source[0], source[1], cropped.Intrinsics!.Width, cropped.Intrinsics.Height);
        Assert.True((resized[0], resized[1], offset[0], offset[1]) == (crop.ResizedWidth, crop.ResizedHeight, crop.Left, crop.Top),
            $"{name}: resized {crop.ResizedWidth}x{crop.ResizedHeight} at ({crop.Left}, {crop.Top}), expected {resized[0]}x{resized[1]} at ({offset[0]}, {offset[1]})");
        SanaWmCameraFixture.AssertMatches(golden, "intrinsics_cropped", Values(cropped.Intrinsics));
    }

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Configs))]
    public void Poses_relative_to_the_first_match(int index, string name)
    {
        var config = Config(index);
        using var golden = Tensors(config);
        var relative = new RelativeToFirst().Execute(Snapped(config, golden).Camera);
        Assert.True(CameraPose.Identity == relative.Poses[0], $"{name}: the first relative pose is {relative.Poses[0]}, not the identity");
        SanaWmCameraFixture.AssertMatches(golden, "relative_poses", ActionStringFixtureTests.Flatten(relative));
    }

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Configs))]
    public void Raymap_and_chunk_plucker_match_prepare_camera(int index, string name)
    {
        var config = Config(index);
        using var golden = Tensors(config);
        using var rays = new PluckerRays().Execute(Cropped(config, Snapped(config, golden).Camera));
        long[] grid = [(long)config["latent_frames"]!, .. Ints(config["latent_hw"]).Select(v => (long)v)];
        Assert.True(rays.ChunkPlucker.shape[1..].SequenceEqual(grid), $"{name}: chunk_plucker is [{string.Join(", ", rays.ChunkPlucker.shape)}], the latent grid [{string.Join(", ", grid)}]");
        golden.AssertMatches("raymap", rays.Raymap);
        golden.AssertMatches("chunk_plucker", rays.ChunkPlucker);
    }

    private static JsonObject Config(int index) => SanaWmCameraFixture.Cases("camera.json", key: "configs")[index]!.AsObject();

    private static GoldenTensors Tensors(JsonObject config) => GoldenTensors.Open(SanaWmCameraFixture.Name, (string)config["file"]!);

    /// <summary>check_inputs: the trajectory with its intrinsics, cut to the snapped frame count.</summary>
    private static SnappedCamera Snapped(JsonObject config, GoldenTensors golden)
    {
        var (width, height) = (Ints(config["src_size_wh"])[0], Ints(config["src_size_wh"])[1]);
        var poses = config["action"] is JsonValue ? default : SanaWmCameraFixture.Input(golden, "c2w_input");
        var frames = poses.Values is null ? ActionScript.Parse((string)config["action"]!).FrameCount + 1 : (int)poses.Shape[0];
        var intrinsics = new Nodes.Intrinsics().Execute(IntrinsicsText(config, golden), frames, width, height);
        var camera = poses.Values is null
            ? new CameraFromActions().Execute((string)config["action"]!, intrinsics: intrinsics)
            : new CameraFromPoses().Execute(CameraEngine.Context(), NestedJson.Of(poses.Values, poses.Shape), intrinsics: intrinsics);
        return new CameraSnapFrames().Execute(camera, (int)config["num_frames_arg"]!);
    }

    private static NodeSdk.Data.Camera Cropped(JsonObject config, NodeSdk.Data.Camera camera)
    {
        var target = Ints(config["target_hw"]);
        return new CameraResizeCrop().Execute(camera, target[1], target[0]);
    }

    /// <summary>The intrinsics as JSON text: listed in camera.json, or stored as the "intrinsics_input" tensor.</summary>
    private static string IntrinsicsText(JsonObject config, GoldenTensors golden)
    {
        if (config["intrinsics_input"] is JsonArray listed)
            return listed.ToJsonString();
        var (values, shape) = SanaWmCameraFixture.Input(golden, "intrinsics_input");
        return NestedJson.Of(values, shape);
    }

    private static double[] Values(CameraIntrinsics intrinsics) => [.. intrinsics.Frames.SelectMany(k => new[] { k.Fx, k.Fy, k.Cx, k.Cy })];

    private static int[] Ints(JsonNode? node) => [.. node!.AsArray().Select(v => (int)v!)];
}
