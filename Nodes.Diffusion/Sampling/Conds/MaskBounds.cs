using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.Conds;

/// <summary>
/// set_area_to_bounds in ComfyUI's resolve_areas_and_cond_masks_multidim (with get_mask_aabb): the box around the
/// cells where any mask of the batch is nonzero, at least 8 cells a side; an all-zero mask gets (8, 8, 0, 0).
/// </summary>
public static class MaskBounds
{
    public static LatentArea Of(Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        var bounds = mask.abs().amax([0]);
        int height = (int)bounds.shape[0], width = (int)bounds.shape[1];
        var values = bounds.to(Device.CPU).contiguous().ToArray<float>();
        int top = int.MaxValue, left = int.MaxValue, bottom = -1, right = -1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                if (values[y * width + x] != 0)
                    (top, left, bottom, right) = (Math.Min(top, y), Math.Min(left, x), Math.Max(bottom, y), Math.Max(right, x));
        return bottom < 0 ? new LatentArea(8, 8, 0, 0) : new LatentArea(Math.Max(8, bottom - top + 1), Math.Max(8, right - left + 1), top, left);
    }
}
