using Workflow.Imaging;
using Workflow.Torch;

namespace Workflow.NodeSdk.Data;

/// <summary>Between IMAGE tensors (float [H, W, C] in [0, 1]) and 8-bit rasters, for nodes that read, write or preprocess pictures.</summary>
public static class ImageConversion
{
    /// <summary>
    /// Rounds x·255, as diffusers' numpy_to_pil does (ComfyUI's SaveImage truncates instead): the same float image then
    /// gives the same PNG as the reference pipeline.
    /// </summary>
    public static RasterImage ToRaster(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        var bytes = torch.clamp((image.to(torch.float32, Device.CPU) * 255.0).round(), 0.0, 255.0).to(torch.uint8).contiguous();
        return new RasterImage((int)image.shape[1], (int)image.shape[0], (int)image.shape[2], bytes.ToArray<byte>());
    }

    /// <summary>An 8-bit raster as float [H, W, C] in [0, 1].</summary>
    public static Tensor FromRaster(RasterImage raster)
    {
        using var scope = torch.NewDisposeScope();
        var bytes = torch.tensor<byte>(raster.Pixels, [raster.Height, raster.Width, raster.Channels]);
        return (bytes.to(torch.float32) / 255.0).MoveToOuterDisposeScope();
    }
}
