using Microsoft.Extensions.Logging;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// ComfyUI's CLIP socket: the tokenizers and text encoders that turn a prompt into CONDITIONING (SD1.x's CLIP-L
/// alone, <see cref="ClipModel"/>; SD3's CLIP-L, CLIP-G and T5, <see cref="Sd3Clip"/>).
/// </summary>
[SocketType("CLIP")]
public interface IClip : IDisposable, IMemoryFootprint, IDeviceModel
{
    Device Device { get; }

    /// <summary>Moves every encoder's weights to <paramref name="device"/> in <paramref name="dtype"/> (floating point), in place.</summary>
    void To(Device device, ScalarType dtype);

    /// <summary>The prompt's conditioning, on the CPU; truncation is logged as diffusers warns about it.</summary>
    /// <param name="maxSequenceLength">T5 tokens, where the CLIP has a T5 (SD3); other encoders have fixed contexts.</param>
    Conditioning Encode(string text, int maxSequenceLength, ILogger logger);
}
