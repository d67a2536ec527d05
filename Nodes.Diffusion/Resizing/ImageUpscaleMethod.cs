using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Resizing;

/// <summary>
/// ComfyUI's ImageScale.upscale_methods that resize through PyTorch's interpolate; its "lanczos" goes through Pillow,
/// which this host does not reproduce, so it is not offered.
/// </summary>
public enum ImageUpscaleMethod
{
    [WireName("nearest-exact")] NearestExact,
    Bilinear,
    Area,
    Bicubic,
}
