using System.Text.Json;
using Workflow.Nodes.Diffusion.Models.Ltx2;
using Workflow.Nodes.Diffusion.Refining;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// An LTX-2 video transformer as a socket value (LTX2_MODEL). MODEL wraps UNet-style ε/v networks with a DDPM
/// schedule that sampling nodes read; the LTX-2 transformer is a flow-matching model driven by refiners over token
/// windows, so it travels in a socket of its own and a graph cannot hand it to a node that would misuse it. Also
/// knows its identity, for checkpoints that must not be resumed on other weights.
/// </summary>
[SocketType("LTX2_MODEL")]
public sealed class Ltx2Model(LTX2VideoTransformer3DModel transformer) : IDisposable, IMemoryFootprint, IDeviceModel
{
    /// <summary>Per weight tensor: 16 runs of 4 KiB, enough to tell checkpoints apart without reading all of one.</summary>
    private const int SampleRuns = 16, SampleRunBytes = 4096;

    private readonly Lazy<string> _identity = new(() => Identity(transformer));

    public LTX2VideoTransformer3DModel Transformer { get; } = transformer;

    public Device Device => ModuleMemory.DeviceOf(Transformer);

    public IReadOnlyList<Module> WeightModules => [Transformer];

    public ScalarType Dtype => Transformer.named_parameters().Select(p => p.Tensor.dtype).FirstOrDefault(torch.float32);

    /// <summary>
    /// SHA-256 of the configuration and of every weight's name, dtype, shape and a sample of its bytes; computed once.
    /// </summary>
    public string WeightsIdentity => _identity.Value;

    public long HostBytes => ModuleMemory.HostBytes(Transformer);

    public long DeviceBytes => ModuleMemory.DeviceBytes(Transformer);

    public void Dispose() => Transformer.Dispose();

    private static string Identity(LTX2VideoTransformer3DModel transformer)
    {
        using var digest = new TensorDigest();
        digest.Add(JsonSerializer.Serialize(transformer.Config));
        foreach (var (name, tensor) in transformer.state_dict().OrderBy(p => p.Key, StringComparer.Ordinal))
            digest.AddSample(name, tensor, SampleRuns, SampleRunBytes);
        return digest.HexDigest();
    }
}
