using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Camera.Cameras;

/// <summary>
/// SANA-WM's camera tensors, float32, row-major (diffusers PR #13881 cam_utils.prepare_camera and
/// _pack_camera_conditions): with F frames, temporal stride s and spatial stride p, T = (F − 1) // s + 1 latent
/// frames on an (H // p) × (W // p) grid.
/// <see cref="Raymap"/> (T, 20): latent frame k's relative pose at pixel frame s·k (16, row-major) and its
/// latent-scale [fx, fy, cx, cy]. <see cref="ChunkPlucker"/> (6·s, T, h, w): for latent frame k the s pixel frames
/// from max(0, s·k − s + 1) (the last repeated past the end), 6 Plücker channels each, frame-major.
/// </summary>
internal sealed record CameraConditioning(float[] Raymap, float[] ChunkPlucker, int LatentFrames, int LatentHeight, int LatentWidth, int TemporalStride)
{
    public static CameraConditioning Prepare(IReadOnlyList<RigidTransform> poses, CameraIntrinsics intrinsics, int temporalStride, int spatialStride)
    {
        var (height, width) = (intrinsics.Height / spatialStride, intrinsics.Width / spatialStride);
        var relative = RelativePoses.ToFirst(poses);
        var latentK = intrinsics.Frames.Select(k => ToLatentGrid(k, intrinsics, height, width)).ToList();
        var latentFrames = (poses.Count - 1) / temporalStride + 1;
        var raymap = new float[latentFrames * 20];
        var plucker = new float[6 * temporalStride * latentFrames * height * width];
        for (var t = 0; t < latentFrames; t++)
        {
            WriteRaymapRow(raymap.AsSpan(t * 20, 20), relative[t * temporalStride], latentK[t * temporalStride]);
            var start = Math.Max(0, t * temporalStride - (temporalStride - 1));
            for (var j = 0; j < temporalStride; j++)
            {
                var frame = Math.Min(start + j, poses.Count - 1);   // a short last chunk repeats its last frame
                var rays = RayMap.Compute(relative[frame], latentK[frame], height, width, RayEncoding.Plucker);
                WriteChunkFrame(plucker, rays, new ChunkSlot(j, t, latentFrames, height, width));
            }
        }
        return new CameraConditioning(raymap, plucker, latentFrames, height, width, temporalStride);
    }

    /// <summary>[fx, cx] ·= (W // p) / W and [fy, cy] ·= (H // p) / H: pixels to latent cells.</summary>
    private static PinholeIntrinsics ToLatentGrid(PinholeIntrinsics k, CameraIntrinsics image, int latentHeight, int latentWidth)
    {
        var (sx, sy) = (latentWidth / (double)image.Width, latentHeight / (double)image.Height);
        return new PinholeIntrinsics(k.Fx * sx, k.Fy * sy, k.Cx * sx, k.Cy * sy);
    }

    private static void WriteRaymapRow(Span<float> row, RigidTransform pose, PinholeIntrinsics k)
    {
        var matrix = pose.ToPose().ToRowMajor();
        for (var i = 0; i < 16; i++)
            row[i] = (float)matrix[i];
        (row[16], row[17], row[18], row[19]) = ((float)k.Fx, (float)k.Fy, (float)k.Cx, (float)k.Cy);
    }

    /// <summary>Where chunk frame j of latent frame t goes in the (6·s, T, h, w) tensor.</summary>
    private readonly record struct ChunkSlot(int Frame, int LatentFrame, int LatentFrames, int Height, int Width);

    /// <summary>(h, w, 6) rays → channels 6j..6j+5 of latent frame t, as permute(0, 3, 1, 2).reshape(-1, h, w) then stack and permute(1, 0, 2, 3).</summary>
    private static void WriteChunkFrame(float[] plucker, double[] rays, ChunkSlot slot)
    {
        var plane = slot.Height * slot.Width;
        for (var c = 0; c < 6; c++)
        {
            var offset = ((slot.Frame * 6 + c) * slot.LatentFrames + slot.LatentFrame) * plane;
            for (var pixel = 0; pixel < plane; pixel++)
                plucker[offset + pixel] = (float)rays[pixel * 6 + c];
        }
    }
}
