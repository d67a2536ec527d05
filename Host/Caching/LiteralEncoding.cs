using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace Workflow.Host.Caching;

/// <summary>A type-tagged, unambiguous byte encoding of a converted literal, for hashing into cache keys.</summary>
internal static class LiteralEncoding
{
    public static void Write(IBufferWriter<byte> writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.Write([(byte)'0']);
                break;
            case bool b:
                writer.Write([(byte)'B', b ? (byte)1 : (byte)0]);
                break;
            case int or long:
                writer.Write([(byte)'I']);
                CacheKeyBuilder.WriteInt64(writer, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                writer.Write([(byte)'U']);
                CacheKeyBuilder.WriteInt64(writer, unchecked((long)u));
                break;
            case double or float:
                writer.Write([(byte)'F']);
                BinaryPrimitives.WriteDoubleLittleEndian(writer.GetSpan(8), Convert.ToDouble(value, CultureInfo.InvariantCulture));
                writer.Advance(8);
                break;
            case string s:
                CacheKeyBuilder.WriteString(writer, s);
                break;
            case Enum e:
                writer.Write([(byte)'E']);
                CacheKeyBuilder.WriteString(writer, e.GetType().FullName + "." + e);
                break;
            default:
                throw new NotSupportedException($"Literal of type {value.GetType().Name} cannot be part of a cache key.");
        }
    }
}
