using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Refining;

/// <summary>
/// SHA-256 over named tensors: each one's name, dtype, shape and bytes (from any device, any strides), so equal
/// digests mean equal tensors. A sampled digest reads at most a fixed number of bytes per tensor, spread over it, for
/// telling models apart without reading gigabytes.
/// </summary>
internal sealed class TensorDigest : IDisposable
{
    /// <summary>Bytes hashed at a time: a chunk of a large tensor is copied out, not the whole tensor.</summary>
    private const long ChunkBytes = 64L << 20;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void Add(string text) => _hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));

    /// <summary>Every byte of <paramref name="tensor"/>.</summary>
    public void Add(string name, Tensor tensor)
    {
        using var flat = Header(name, tensor);
        long step = Math.Max(1, ChunkBytes / tensor.element_size());
        for (long start = 0; start < flat.shape[0]; start += step)
            AddBytes(flat, start, Math.Min(step, flat.shape[0] - start));
    }

    /// <summary>
    /// <paramref name="chunks"/> evenly spaced runs of about <paramref name="chunkBytes"/> each (all of a tensor smaller
    /// than that), plus the name, dtype and shape.
    /// </summary>
    public void AddSample(string name, Tensor tensor, int chunks, long chunkBytes)
    {
        using var flat = Header(name, tensor);
        long count = flat.shape[0], run = Math.Max(1, chunkBytes / tensor.element_size());
        if (count <= run * chunks)
        {
            AddBytes(flat, 0, count);
            return;
        }
        for (var i = 0; i < chunks; i++)
            AddBytes(flat, (count - run) * i / (chunks - 1), run);
    }

    public string HexDigest() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();

    private Tensor Header(string name, Tensor tensor)
    {
        Add($"{name}|{tensor.dtype.ToTorchString()}|{string.Join(",", tensor.shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))}");
        return tensor.reshape(-1);
    }

    private void AddBytes(Tensor flat, long start, long length)
    {
        using var part = flat.narrow(0, start, length);
        using var cpu = part.to(Device.CPU);
        using var contiguous = cpu.contiguous();
        _hash.AppendData(contiguous.bytes);
    }
}
