using Workflow.Torch;

namespace Workflow.NodeSdk.Data;

/// <summary>
/// The camera conditioning of a camera-controlled video model, per latent frame (SANA-WM's prepare_camera):
/// <see cref="Raymap"/> (T_lat, 20) holds each latent frame's relative pose (16, row-major) and latent-scale
/// [fx, fy, cx, cy]; <see cref="ChunkPlucker"/> (6·stride, T_lat, h, w) holds the Plücker rays [d, o × d] of the
/// stride pixel frames each latent frame packs, frame-major. Owns both tensors.
/// </summary>
[SocketType("CAMERA_RAYS")]
public sealed record CameraRays : IDisposable, IMemoryFootprint
{
    /// <summary>Takes ownership of both tensors.</summary>
    public CameraRays(Tensor raymap, Tensor chunkPlucker)
    {
        var (raymapShape, pluckerShape) = (raymap.shape, chunkPlucker.shape);
        if (raymapShape.Length != 2 || raymapShape[1] != 20)
            throw new ArgumentException($"The raymap is (T_lat, 20), not ({string.Join(", ", raymapShape)}).");
        if (pluckerShape.Length != 4 || pluckerShape[0] % 6 != 0 || pluckerShape[1] != raymapShape[0])
            throw new ArgumentException(
                $"chunk_plucker is (6·stride, {raymapShape[0]}, h, w), not ({string.Join(", ", pluckerShape)}).", nameof(chunkPlucker));
        (Raymap, ChunkPlucker) = (raymap, chunkPlucker);
    }

    public Tensor Raymap { get; }

    public Tensor ChunkPlucker { get; }

    public long LatentFrames => Raymap.shape[0];

    public long HostBytes => TensorMemory.HostBytes(Raymap, ChunkPlucker);

    public long DeviceBytes => TensorMemory.DeviceBytes(Raymap, ChunkPlucker);

    public void Dispose()
    {
        Raymap.Dispose();
        ChunkPlucker.Dispose();
    }
}
