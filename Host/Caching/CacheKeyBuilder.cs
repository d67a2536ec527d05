using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Workflow.Host.Graph;
using Workflow.Host.Validation;
using Workflow.NodeSdk;

namespace Workflow.Host.Caching;

/// <summary>
/// Builds every node's cache key from validated, converted inputs (so 512 and 512.0 agree), inputs in definition
/// order (names are part of the schema, so the order is fixed), links as (upstream key, output index). The node
/// id joins the key only for not-idempotent nodes, so identical subgraphs share outputs. A node that must always
/// re-run, and everything downstream of it, gets no key.
/// </summary>
public static class CacheKeyBuilder
{
    public static IReadOnlyDictionary<NodeId, CacheKey?> Build(ValidatedPrompt prompt, IReadOnlyDictionary<NodeId, Fingerprint> fingerprints)
    {
        var keys = new Dictionary<NodeId, CacheKey?>(prompt.Nodes.Count);
        var writer = new ArrayBufferWriter<byte>(256);
        Func<NodeId, CacheKey?> keyOf = source => keys[source];
        foreach (var id in prompt.TopologicalOrder)
            keys[id] = KeyOf(prompt.Nodes[id], fingerprints.GetValueOrDefault(id), keyOf, writer);
        return keys;
    }

    /// <summary>One node's key, its sources' keys given by <paramref name="keyOf"/> (a node an expansion added, say).</summary>
    public static CacheKey? KeyOf(BoundNode node, Fingerprint fingerprint, Func<NodeId, CacheKey?> keyOf, ArrayBufferWriter<byte> writer)
    {
        writer.ResetWrittenCount();
        if (fingerprint.AlwaysRerun)
            return null;
        WriteString(writer, node.Definition.Name);
        WriteString(writer, fingerprint.Value);
        if (node.Definition.NotIdempotent)
            WriteString(writer, node.Id.Value);
        foreach (var input in node.Inputs)
        {
            if (input is BoundLink link)
            {
                if (keyOf(link.From) is not { } upstream)
                    return null;
                writer.Write([(byte)'L']);
                WriteUInt128(writer, upstream.Hash);
                WriteInt64(writer, link.Output);
                if (link.Element is { } element)
                    WriteInt64(writer, -1 - element);   // negative: never an output index
            }
            else
                LiteralEncoding.Write(writer, ((BoundLiteral)input).Value);
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(writer.WrittenSpan, hash);
        return new CacheKey(BinaryPrimitives.ReadUInt128LittleEndian(hash));
    }

    internal static void WriteString(IBufferWriter<byte> writer, string? value)
    {
        if (value is null)
        {
            writer.Write([(byte)'N']);
            return;
        }
        writer.Write([(byte)'S']);
        WriteInt64(writer, Encoding.UTF8.GetByteCount(value));
        writer.Advance(Encoding.UTF8.GetBytes(value, writer.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length))));
    }

    internal static void WriteInt64(IBufferWriter<byte> writer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(8), value);
        writer.Advance(8);
    }

    private static void WriteUInt128(IBufferWriter<byte> writer, UInt128 value)
    {
        BinaryPrimitives.WriteUInt128LittleEndian(writer.GetSpan(16), value);
        writer.Advance(16);
    }
}
