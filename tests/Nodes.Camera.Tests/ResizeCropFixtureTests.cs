using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Cameras;
using Workflow.Nodes.Camera.Nodes;
using Workflow.Nodes.Camera.Tests.Support;
using Workflow.Testing;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>crop.json: SanaWMImageProcessor.preprocess_with_intrinsics' resize, centre crop and intrinsics, through CameraResizeCrop.</summary>
public sealed class ResizeCropFixtureTests
{
    public static TheoryData<int, string> Cases =>
        SanaWmCameraFixture.CaseRows("crop.json", c => $"{c["src_size_wh"]![0]}x{c["src_size_wh"]![1]} -> {c["target_hw"]![1]}x{c["target_hw"]![0]}");

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Cases))]
    public void Resize_and_crop_geometry_matches(int index, string name)
    {
        var test = SanaWmCameraFixture.Cases("crop.json")[index]!;
        var (source, target) = (Ints(test["src_size_wh"]), Ints(test["target_hw"]));
        var crop = ResizeCrop.To(source[0], source[1], target[1], target[0]);
        var (resized, offset) = (Ints(test["resized_size_wh"]), Ints(test["crop_offset_left_top"]));
        Assert.True((resized[0], resized[1], offset[0], offset[1]) == (crop.ResizedWidth, crop.ResizedHeight, crop.Left, crop.Top),
            $"{SanaWmCameraFixture.Name} crop.json case {index} ({name}): resized {crop.ResizedWidth}x{crop.ResizedHeight} at ({crop.Left}, {crop.Top}), "
            + $"expected {resized[0]}x{resized[1]} at ({offset[0]}, {offset[1]})");
    }

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Cases))]
    public void Intrinsics_follow_the_crop(int index, string name)
    {
        var test = SanaWmCameraFixture.Cases("crop.json")[index]!;
        var (source, target) = (Ints(test["src_size_wh"]), Ints(test["target_hw"]));
        var values = SanaWmCameraFixture.Doubles(test["intrinsics_in"]);
        var frames = Enumerable.Range(0, values.Length / 4).Select(f => new PinholeIntrinsics(values[4 * f], values[4 * f + 1], values[4 * f + 2], values[4 * f + 3]));
        var camera = new NodeSdk.Data.Camera(CameraConvention.OpenCv, Enumerable.Repeat(CameraPose.Identity, values.Length / 4),
            new CameraIntrinsics(frames, source[0], source[1]));
        var cropped = new CameraResizeCrop().Execute(camera, target[1], target[0]).Intrinsics!;
        Assert.Equal((target[1], target[0]), (cropped.Width, cropped.Height));
        Compare.Within($"{SanaWmCameraFixture.Name} crop.json case {index} ({name}) intrinsics_out", SanaWmCameraFixture.Doubles(test["intrinsics_out"]),
            [.. cropped.Frames.SelectMany(k => new[] { k.Fx, k.Fy, k.Cx, k.Cy })], (double)test["tolerance_max_abs_diff"]!);
    }

    private static int[] Ints(System.Text.Json.Nodes.JsonNode? node) => [.. node!.AsArray().Select(v => (int)v!)];
}
