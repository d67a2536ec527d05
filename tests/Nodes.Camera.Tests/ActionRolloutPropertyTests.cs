using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Cameras;
using Workflow.Nodes.Camera.Nodes;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>What must hold for any action string, under both mappings: rigid poses however long the string, pitch within its limit.</summary>
public sealed class ActionRolloutPropertyTests
{
    /// <summary>
    /// Every key, alone and in combinations, over 10,000 frames. 1e-9 is far above what 10,000 products of exact
    /// rotations accumulate (~1e-13) and far below any drift that would bend a trajectory.
    /// </summary>
    private const string LongActions = "iw-1500,lj-1000,kd-1200,wasd-800,ilw-1500,none-300,kaj-1700,sl-1000,ik-500,jw-500";

    private const double RigidTolerance = 1e-9;

    [Theory]
    [InlineData(ActionMapping.Diffusers)]
    [InlineData(ActionMapping.UnifiedV2)]
    public void Poses_stay_rigid_over_ten_thousand_frames(ActionMapping mapping)
    {
        var camera = new CameraFromActions().Execute(LongActions, mapping: mapping);
        Assert.Equal(10_001, camera.FrameCount);
        for (var f = 0; f < camera.FrameCount; f++)
        {
            var pose = camera.Poses[f];
            var (orthonormality, determinant) = (Orthonormality(pose), Determinant(pose));
            Assert.True(orthonormality < RigidTolerance && Math.Abs(determinant - 1) < RigidTolerance,
                $"{mapping} frame {f}: max |RᵀR − I| {orthonormality:G3}, det R {determinant:R}");
        }
    }

    [Theory]
    [InlineData(ActionMapping.Diffusers, 85.0)]
    [InlineData(ActionMapping.Diffusers, 12.5)]
    [InlineData(ActionMapping.UnifiedV2, 60.0)]
    [InlineData(ActionMapping.UnifiedV2, 7.0)]
    public void Pitch_never_passes_its_limit(ActionMapping mapping, double limitDeg)
    {
        var camera = new CameraFromActions().Execute("i-400,w-20,k-900,iw-700,none-50,ki-30,i-2000,lk-3000", rotationSpeedDeg: 1.7, pitchLimitDeg: limitDeg, mapping: mapping);
        // The rotation is Ry(yaw)·Rx(pitch), so R[1, 2] = −sin(pitch).
        var pitches = camera.Poses.Select(p => Math.Asin(-p[1, 2]) * 180 / Math.PI).ToList();
        var worst = pitches.Select(Math.Abs).Max();
        Assert.True(worst <= limitDeg + 1e-9, $"{mapping}: pitch reached {worst:R}° past the {limitDeg}° limit");
        Assert.True(worst >= limitDeg - 1.7 - 1e-9, $"{mapping}: the string should drive pitch to within a step of its {limitDeg}° limit, reached {worst:R}°");
    }

    [Fact]
    public void Diffusers_mapping_skips_a_pitch_step_past_the_limit_instead_of_clamping()
    {
        // 5° steps against a 12° limit: 5, 10, then 15 is refused, so pitch stays at 10 (dsl.json has this case too).
        var camera = new CameraFromActions().Execute("i-5", rotationSpeedDeg: 5, pitchLimitDeg: 12);
        Assert.Equal(10.0, Math.Asin(-camera.Poses[^1][1, 2]) * 180 / Math.PI, 9);
    }

    /// <summary>
    /// Reference values from NVlabs/Sana's code (camera_control.py + inference_sana_wm.action_string_to_c2w,
    /// smooth=True, defaults 0.025 / 0.6° / 60°), transcribed to Python and run once with numpy 1.24:
    /// <c>roll("w-10,d-10,none-10,lw-5,i-200,kj-4")[f].reshape(-1)</c>. Both sides are float64 and differ only in
    /// summation order, hence 1e-12.
    /// </summary>
    [Theory]
    [InlineData(10, new[] { 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.24999975000025, 0.0, 0.0, 0.0, 1.0 })]
    [InlineData(20, new[] { 0.9945218953682735, 0.0, 0.10452846326765348, 0.0, 0.0, 1.0, 0.0, 0.0, -0.10452846326765348, 0.0, 0.9945218953682735, 0.24999975000025, 0.0, 0.0, 0.0, 1.0 })]
    [InlineData(35, new[] { 0.9838115535674993, 0.0, 0.17920610220386923, 0.14537706159435948, 0.0, 1.0, 0.0, 0.0, -0.17920610220386923, 0.0, 0.9838115535674993, 0.3505753308451227, 0.0, 0.0, 0.0, 1.0 })]
    [InlineData(235, new[] { 0.9838115535674993, 0.1551970370217415, 0.0896030511019347, 0.14537706159435948, 0.0, 0.5000000000000008, -0.8660254037844399, 0.0, -0.17920610220386923, 0.8520057979260913, 0.4919057767837496, 0.3505753308451227, 0.0, 0.0, 0.0, 1.0 })]
    [InlineData(239, new[] { 0.9838115535674993, 0.1513087165110953, 0.09602343138457786, 0.046996004618666494, 0.0, 0.5358267949789975, -0.8443279255020162, 0.0, -0.17920610220386923, 0.8306595681085631, 0.5271525916113807, 0.3684959231449174, 0.0, 0.0, 0.0, 1.0 })]
    public void Unified_mapping_matches_nvlabs_camera_control(int frame, double[] expected)
    {
        var defaults = ActionSpeeds.UnifiedV2;
        var camera = new CameraFromActions().Execute("w-10,d-10,none-10,lw-5,i-200,kj-4",
            defaults.TranslationSpeed, defaults.RotationSpeedDeg, defaults.PitchLimitDeg, ActionMapping.UnifiedV2);
        Support.Compare.Within($"unified_v2 frame {frame}", expected, camera.Poses[frame].ToRowMajor(), 1e-12, [4, 4]);
    }

    [Fact]
    public void The_same_string_moves_differently_under_the_two_mappings()
    {
        // diffusers: d strafes right, the heading stays; unified_v2: d yaws right.
        var diffusers = new CameraFromActions().Execute("d-10", mapping: ActionMapping.Diffusers).Poses[^1];
        var unified = new CameraFromActions().Execute("d-10", mapping: ActionMapping.UnifiedV2).Poses[^1];
        Assert.Equal(0.5, diffusers.Center.X, 12);
        Assert.Equal((0.0, 0.0), (diffusers.Center.Y, diffusers.Center.Z));
        Assert.Equal(1.0, diffusers[0, 0]);
        Assert.Equal((0.0, 0.0, 0.0), unified.Center);
        Assert.True(unified[0, 2] > 0, "unified_v2's d turns the camera to the right (+x)");
    }

    private static double Orthonormality(CameraPose pose)
    {
        var worst = 0.0;
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
                worst = Math.Max(worst, Math.Abs(pose[0, i] * pose[0, j] + pose[1, i] * pose[1, j] + pose[2, i] * pose[2, j] - (i == j ? 1 : 0)));
        return worst;
    }

    private static double Determinant(CameraPose p) =>
        p[0, 0] * (p[1, 1] * p[2, 2] - p[1, 2] * p[2, 1]) - p[0, 1] * (p[1, 0] * p[2, 2] - p[1, 2] * p[2, 0]) + p[0, 2] * (p[1, 0] * p[2, 1] - p[1, 1] * p[2, 0]);
}
