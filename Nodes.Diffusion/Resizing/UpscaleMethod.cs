using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Resizing;

/// <summary>ComfyUI's LatentUpscale.upscale_methods, in its order: four interpolate modes and bislerp.</summary>
public enum UpscaleMethod
{
    [WireName("nearest-exact")] NearestExact,
    Bilinear,
    Area,
    Bicubic,
    Bislerp,
}

/// <summary>ComfyUI's LatentUpscale.crop_methods.</summary>
public enum CropMethod
{
    Disabled,
    Center,
}
