using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Cameras;
using Workflow.Torch;

namespace Workflow.Nodes.Camera.Nodes;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>SANA-WM's camera conditioning: the per-latent-frame raymap and the chunked Plücker ray maps.</summary>
[Node("PluckerRays", DisplayName = "Plücker Rays", Category = "camera",
      Description = "Relative poses and Plücker rays at the latent grid (image size / spatial_stride), packed temporal_stride "
                    + "frames per latent frame: raymap (T, 20) and chunk_plucker (6*temporal_stride, T, h, w), float32 "
                    + "(diffusers SANA-WM prepare_camera). Needs an OpenCV camera with intrinsics.")]
public sealed class PluckerRays : INode
{
    public CameraRays Execute(
        Camera camera,
        [Int(Min = 1, Max = 64), Input(Tooltip = "Pixel frames per latent frame (LTX-2 VAE: 8).")] int temporalStride = 8,
        [Int(Min = 1, Max = 256), Input(Tooltip = "Pixels per latent cell (LTX-2 VAE: 32).")] int spatialStride = 32)
    {
        if (camera.Convention != CameraConvention.OpenCv)
            throw new InputException("camera", camera.Convention,
                "Plücker rays follow OpenCV axes (x right, y down, looking along +z); this camera uses another convention");
        var intrinsics = camera.Intrinsics
            ?? throw new InputException("camera", camera.Convention, "has no intrinsics; give the camera an Intrinsics input");
        if (intrinsics.Width < spatialStride || intrinsics.Height < spatialStride)
            throw new InputException("spatial_stride", spatialStride,
                $"leaves no latent cell in a {intrinsics.Width}x{intrinsics.Height} image");
        var packed = CameraConditioning.Prepare(camera.Transforms(), intrinsics, temporalStride, spatialStride);
        return new CameraRays(
            torch.tensor<float>(packed.Raymap, [packed.LatentFrames, 20]),
            torch.tensor<float>(packed.ChunkPlucker, [6 * temporalStride, packed.LatentFrames, packed.LatentHeight, packed.LatentWidth]));
    }
}
