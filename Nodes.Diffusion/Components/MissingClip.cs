using Microsoft.Extensions.Logging;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// The CLIP of a checkpoint that carries no text encoders (SD3's sd3_medium.safetensors): ComfyUI gives None there;
/// encoding with it says where the text encoders come from instead.
/// </summary>
public sealed class MissingClip(string checkpoint) : IClip
{
    public Device Device => Device.CPU;

    public long HostBytes => 0;

    public long DeviceBytes => 0;

    public IReadOnlyList<Module> WeightModules => [];

    public void To(Device device, ScalarType dtype)
    {
    }

    public Conditioning Encode(string text, int maxSequenceLength, ILogger logger) =>
        throw new InvalidOperationException($"{checkpoint} contains no text encoders: load CLIP-L, CLIP-G and T5 with TripleCLIPLoader.");

    public void Dispose()
    {
    }
}
