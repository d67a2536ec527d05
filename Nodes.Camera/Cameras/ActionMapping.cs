using Workflow.NodeSdk;

namespace Workflow.Nodes.Camera.Cameras;

/// <summary>What the letters of an action string do. The same string gives different trajectories under each.</summary>
public enum ActionMapping
{
    /// <summary>
    /// diffusers PR #13881 (cam_utils.action_string_to_c2w, the SANA-WM pipeline's spec): w/s forward/back, a/d strafe,
    /// j/l yaw, i/k pitch; constant speed per held key; a pitch step past the limit is skipped.
    /// Upstream defaults: 0.05 per frame, 1.2° per frame, 85° limit.
    /// </summary>
    [WireName("diffusers")]
    Diffusers,

    /// <summary>
    /// NVlabs/Sana's current mapping (camera_control.py, inference_sana_wm.py): a/d yaw and j/l strafe (swapped),
    /// velocities eased with an exponential smoother, pitch clamped at the limit.
    /// Upstream defaults: 0.025 per frame, 0.6° per frame, 60° limit.
    /// </summary>
    [WireName("unified_v2")]
    UnifiedV2,
}
