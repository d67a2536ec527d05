using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// Tensors crossing between nodes and models. A model computes on its device in its weights' dtype; what crosses
/// nodes (LATENT, CONDITIONING, IMAGE, embeddings) is float32 on the CPU, as ComfyUI's intermediate device and its
/// models' float() outputs, so cached values hold no device memory and every precision hands on the same kind of value.
/// </summary>
internal static class ModelTensors
{
    /// <summary>A float32 (floating point) CPU copy that belongs to no dispose scope.</summary>
    public static Tensor ToHost(Tensor tensor) =>
        tensor.to(Device.CPU, tensor.is_floating_point() ? ScalarType.Float32 : tensor.dtype, copy: true).DetachFromDisposeScope();

    /// <summary><paramref name="tensor"/> on <paramref name="device"/>, floating point in <paramref name="dtype"/> (integers keep theirs).</summary>
    public static Tensor ToModel(Tensor tensor, Device device, ScalarType dtype) =>
        tensor.is_floating_point() ? tensor.to(dtype, device) : tensor.to(device);
}
