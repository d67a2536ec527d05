using System.Text.Json.Nodes;
using Workflow.Host.Execution;
using Workflow.Nodes.Camera.Tests.Support;
using Workflow.Testing;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>The camera nodes through the engine: validation, the example workflows, and files that round-trip.</summary>
public sealed class CameraWorkflowTests : IDisposable
{
    private readonly TestEngine _test = CameraEngine.Create();

    public void Dispose() => _test.Dispose();

    private string Output => _test.Engine.Paths.Output;

    [Fact]
    public void A_bad_action_string_fails_validation_naming_the_segment()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "CameraFromActions", "inputs": {"actions": "w-80, jx-40 ,w-40"}},
             "2": {"class_type": "SaveCamera", "inputs": {"camera": ["1", 0]}}}
            """);
        Assert.False(result.CanRun);
        TestEngine.AssertJsonEqual("""
            {"1": {"errors": [{"type": "custom_validation_failed", "message": "Custom validation failed for node",
                               "details": "actions - Action segment 'jx-40' contains unknown keys ['x']; allowed: adijklsw.",
                               "extra_info": {"input_name": "actions"}}],
                   "dependent_outputs": ["2"], "class_type": "CameraFromActions"}}
            """, result.ToJson()["node_errors"]);
    }

    [Fact]
    public void Intrinsics_of_another_shape_fail_validation_naming_the_shape()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "Intrinsics", "inputs": {"values": "[500, 500, 320]", "num_frames": 17}},
             "2": {"class_type": "CameraFromActions", "inputs": {"actions": "w-16", "intrinsics": ["1", 0]}},
             "3": {"class_type": "SaveCamera", "inputs": {"camera": ["2", 0]}}}
            """);
        Assert.Equal("values - `intrinsics` must be `(4,)`, `(F>=17, 4)`, `(3, 3)`, or `(F>=17, 3, 3)`; got shape (3,).",
            (string)result.ToJson()["node_errors"]!["1"]!["errors"]![0]!["details"]!);
    }

    [Fact]
    public void Poses_given_both_as_text_and_as_a_file_fail_validation()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "CameraFromPoses", "inputs": {"poses": "[[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]]", "file": "poses.npy"}},
             "2": {"class_type": "SaveCamera", "inputs": {"camera": ["1", 0]}}}
            """);
        Assert.Equal("custom_validation_failed", (string)result.ToJson()["node_errors"]!["1"]!["errors"]![0]!["type"]!);
    }

    [Fact]
    public void Orbit_workflow_saves_four_blender_cameras_and_a_preview()
    {
        var result = _test.Run(CameraEngine.Workflow("camera_orbit.json"));
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        TestEngine.AssertJsonEqual("""{"files": [{"filename": "orbit_00001_.json", "subfolder": "camera_orbit", "type": "output"}]}""", result.Outputs[new("2")]);
        TestEngine.AssertJsonEqual("""{"images": [{"filename": "orbit_preview_00001_.png", "subfolder": "camera_orbit", "type": "output"}]}""", result.Outputs[new("3")]);
        var saved = JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "camera_orbit", "orbit_00001_.json")))!;
        Assert.Equal("blender", (string)saved["convention"]!);
        Assert.Equal(4, saved["c2w"]!.AsArray().Count);
        Assert.Null(saved["intrinsics"]);
        CameraEngine.AssertLooksLikeAPicture(File.ReadAllBytes(Path.Combine(Output, "camera_orbit", "orbit_preview_00001_.png")), 1024, 512);
    }

    [Fact]
    public void Action_workflow_renders_the_trajectory_to_a_preview()
    {
        var result = _test.Run(CameraEngine.Workflow("camera_actions.json"));
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        CameraEngine.AssertLooksLikeAPicture(File.ReadAllBytes(Path.Combine(Output, "camera_actions", "actions_preview_00001_.png")), 1024, 512);
        var saved = JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "camera_actions", "actions_00001_.json")))!;
        Assert.Equal(161, saved["c2w"]!.AsArray().Count);
        TestEngine.AssertJsonEqual("[1280, 704]", saved["image_size"]);
    }

    [Fact]
    public void A_saved_camera_reads_back_as_the_same_camera()
    {
        _test.Run(CameraEngine.Workflow("camera_actions.json"));
        var saved = Path.Combine(Output, "camera_actions", "actions_00001_.json");
        Directory.CreateDirectory(_test.Engine.Paths.Input);
        File.Copy(saved, Path.Combine(_test.Engine.Paths.Input, "trajectory.json"));
        var result = _test.Run("""
            {"1": {"class_type": "CameraFromPoses", "inputs": {"file": "trajectory.json"}},
             "2": {"class_type": "SaveCamera", "inputs": {"camera": ["1", 0], "filename_prefix": "again"}}}
            """);
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(File.ReadAllText(saved), File.ReadAllText(Path.Combine(Output, "again_00001_.json")));
    }

    [Fact]
    public void A_camera_without_intrinsics_cannot_be_cropped()
    {
        var failed = _test.Run("""
            {"1": {"class_type": "OrbitCameras", "inputs": {}},
             "2": {"class_type": "RelativeToFirst", "inputs": {"camera": ["1", 0]}},
             "3": {"class_type": "CameraResizeCrop", "inputs": {"camera": ["2", 0]}},
             "4": {"class_type": "SaveCamera", "inputs": {"camera": ["3", 0]}}}
            """);
        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal("3", failed.Failure!.NodeId);
        Assert.Contains("has no intrinsics", failed.Failure.ExceptionMessage);
    }

    [Fact]
    public void An_unchanged_workflow_runs_again_from_the_cache()
    {
        _test.Run(CameraEngine.Workflow("camera_orbit.json"));
        var again = _test.Run(CameraEngine.Workflow("camera_orbit.json"));
        Assert.Empty(again.Executed);
    }
}
