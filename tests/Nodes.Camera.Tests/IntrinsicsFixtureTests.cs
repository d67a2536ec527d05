using System.Text.Json.Nodes;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Cameras;
using Workflow.Nodes.Camera.Nodes;
using Workflow.Nodes.Camera.Tests.Support;
using Workflow.Testing;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>
/// intrinsics.json: SanaWMPipeline.check_inputs on poses or an action string, a frame count and intrinsics. Here that is
/// CameraFromPoses / CameraFromActions, CameraSnapFrames, and the Intrinsics node given the snapped count.
/// </summary>
public sealed class IntrinsicsFixtureTests
{
    public static TheoryData<int, string> Accepted => Rows(ok: true);

    public static TheoryData<int, string> Refused => Rows(ok: false);

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Accepted))]
    public void Poses_are_cut_to_the_snapped_frame_count(int index, string name)
    {
        var test = Case(index);
        var snapped = new CameraSnapFrames().Execute(Trajectory(test), (int)test["num_frames_arg"]!);
        Assert.Equal((int)test["num_frames_out"]!, snapped.NumFrames);
        var expected = test["c2w_out"] is JsonArray poses
            ? SanaWmCameraFixture.Doubles(poses)
            : SanaWmCameraFixture.Doubles(test["c2w_input"]).Take(16 * snapped.NumFrames).ToArray();   // "c2w_input[:F] cast to float32"
        Compare.ExactFloat32($"{SanaWmCameraFixture.Name} intrinsics.json case {index} '{name}' c2w", expected, ActionStringFixtureTests.Flatten(snapped.Camera));
    }

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Accepted))]
    public void Intrinsics_take_every_accepted_shape(int index, string name)
    {
        var test = Case(index);
        var intrinsics = Intrinsics(test, (int)test["num_frames_out"]!);
        var actual = intrinsics.Frames.SelectMany(k => new[] { k.Fx, k.Fy, k.Cx, k.Cy }).ToList();
        Compare.ExactFloat32($"{SanaWmCameraFixture.Name} intrinsics.json case {index} '{name}' intrinsics", SanaWmCameraFixture.Doubles(test["intrinsics_out"]), actual);
    }

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Refused))]
    public void Refused_inputs_are_refused_with_the_reason(int index, string name)
    {
        var test = Case(index);
        var expected = (string)test["exception_message"]!;
        var error = Assert.Throws<InputException>(() => Refuse(test, expected));
        if (expected.StartsWith("`intrinsics` must be", StringComparison.Ordinal) || expected.StartsWith("`c2w` must be", StringComparison.Ordinal))
            Assert.EndsWith(expected, error.Message);
        else
            Assert.True(error.InputName is "values" or "poses",
                $"{SanaWmCameraFixture.Name} intrinsics.json case {index} '{name}' was refused on '{error.InputName}': {error.Message}");
    }

    /// <summary>
    /// Runs the node that stands for the refused check_inputs call. "exactly one of c2w or action" has no twin in a
    /// graph (a CAMERA input has one source), so CameraFromPoses' own one-source rule (poses text or file) stands in.
    /// </summary>
    private static void Refuse(JsonObject test, string expected)
    {
        if (expected.StartsWith("Provide exactly one", StringComparison.Ordinal))
            new CameraFromPoses().Execute(CameraEngine.Context(), test["c2w_input"] is null ? "" : test["c2w_input"]!.ToJsonString(), test["action"] is null ? "" : "poses.npy");
        else if (expected.StartsWith("`c2w` must be", StringComparison.Ordinal))
            Trajectory(test);
        else
            Intrinsics(test, new CameraSnapFrames().Execute(Trajectory(test), (int)test["num_frames_arg"]!).NumFrames);
    }

    private static NodeSdk.Data.Camera Trajectory(JsonObject test) =>
        test["action"] is JsonValue action
            ? new CameraFromActions().Execute((string)action!)
            : new CameraFromPoses().Execute(CameraEngine.Context(), test["c2w_input"]!.ToJsonString());

    /// <summary>The intrinsics as a user types them into the Intrinsics node (null: left empty).</summary>
    private static CameraIntrinsics Intrinsics(JsonObject test, int frames) =>
        new Nodes.Intrinsics().Execute(test["intrinsics_input"]?.ToJsonString() ?? "", frames, 1280, 704);

    private static JsonObject Case(int index) => SanaWmCameraFixture.Cases("intrinsics.json")[index]!.AsObject();

    private static TheoryData<int, string> Rows(bool ok)
    {
        var rows = new TheoryData<int, string>();
        var cases = SanaWmCameraFixture.Cases("intrinsics.json");
        for (var i = 0; i < cases.Count; i++)
            if ((bool)cases[i]!["ok"]! == ok)
                rows.Add(i, (string)cases[i]!["case"]!);
        return rows;
    }
}
