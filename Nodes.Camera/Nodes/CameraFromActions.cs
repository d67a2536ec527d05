using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Cameras;

namespace Workflow.Nodes.Camera.Nodes;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>A camera trajectory from SANA-WM's action string: one pose to start, one more per frame of held keys.</summary>
[Node("CameraFromActions", DisplayName = "Camera From Actions", Category = "camera",
      Description = "Rolls a keyboard-style action string such as \"w-80,jw-40,w-40\" (keys-frames, comma-separated) into "
                    + "OpenCV camera-to-world poses starting at the identity: N frames of actions give N + 1 poses.")]
public sealed class CameraFromActions : INode, IValidateInputs
{
    public Camera Execute(
        [String(Multiline = true), Input(Tooltip = "Segments <keys>-<frames>: w/s forward/back, a/d, j/l, i/k pitch up/down, or none.")] string actions = "w-80,jw-40,w-40",
        [Float(Min = 0, Max = 10, Step = 0.005), Input(Tooltip = "World units per frame (diffusers: 0.05; unified_v2 upstream: 0.025).")] double translationSpeed = ActionSpeeds.DiffusersTranslationSpeed,
        [Float(Min = 0, Max = 45, Step = 0.1), Input(Tooltip = "Degrees per frame (diffusers: 1.2; unified_v2 upstream: 0.6).")] double rotationSpeedDeg = ActionSpeeds.DiffusersRotationSpeedDeg,
        [Float(Min = 0, Max = 89.9, Step = 1), Input(Tooltip = "Largest pitch up or down, degrees (diffusers: 85; unified_v2 upstream: 60).")] double pitchLimitDeg = ActionSpeeds.DiffusersPitchLimitDeg,
        [Input(Tooltip = "diffusers: a/d strafe, j/l yaw, constant speed. unified_v2: NVlabs/Sana's newer a/d yaw, j/l strafe, eased.")] ActionMapping mapping = ActionMapping.Diffusers,
        [Input(Tooltip = "Intrinsics for every pose; longer ones are cut to the trajectory.")] CameraIntrinsics? intrinsics = null)
    {
        var script = InputErrors.Run("actions", actions, () => ActionScript.Parse(actions));
        var speeds = new ActionSpeeds(translationSpeed, rotationSpeedDeg, pitchLimitDeg);
        var poses = mapping switch
        {
            ActionMapping.Diffusers => DiffusersActionRollout.Roll(script.Frames, speeds),
            ActionMapping.UnifiedV2 => UnifiedActionRollout.Roll(script.Frames, speeds),
            _ => throw new NotSupportedException($"mapping {mapping} is not supported"),
        };
        var camera = new Camera(CameraConvention.OpenCv, poses.Select(p => p.ToPose()));
        return InputErrors.Run("intrinsics", intrinsics, () => camera.AttachIntrinsics(intrinsics));
    }

    public IEnumerable<InputProblem> Validate(InputValues literals, NodePaths paths) =>
        InputErrors.Check<string>(literals, "actions", text => ActionScript.Parse(text));
}
