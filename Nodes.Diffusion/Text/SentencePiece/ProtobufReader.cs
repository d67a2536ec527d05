using System.Buffers.Binary;

namespace Workflow.Nodes.Diffusion.Text.SentencePiece;

/// <summary>One field of a protobuf message: its number, and its value as a varint, 32-bit word or byte run.</summary>
internal readonly record struct ProtobufField(int Number, ulong Varint, uint Fixed32, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// Reads protobuf's wire format (varints, fixed 32/64-bit words, length-delimited runs), enough to walk
/// sentencepiece's ModelProto without generated code. Fields come back in file order; a message that ends inside a
/// field, or uses a group or unknown wire type, is malformed and refused.
/// </summary>
internal static class ProtobufReader
{
    public static List<ProtobufField> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<ProtobufField>();
        var data = message.Span;
        int position = 0;
        while (position < message.Length)
        {
            ulong key = ReadVarint(data, ref position);
            int number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    fields.Add(new ProtobufField(number, ReadVarint(data, ref position), 0, default));
                    break;
                case 1:
                    Require(message.Length - position >= 8, "a 64-bit field runs past the end");
                    position += 8;
                    break;
                case 2:
                    ulong length = ReadVarint(data, ref position);
                    Require(length <= (ulong)(message.Length - position), "a length-delimited field runs past the end");
                    fields.Add(new ProtobufField(number, 0, 0, message.Slice(position, (int)length)));
                    position += (int)length;
                    break;
                case 5:
                    Require(message.Length - position >= 4, "a 32-bit field runs past the end");
                    fields.Add(new ProtobufField(number, 0, BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(position, 4)), default));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {key & 7} of field {number} is not one protobuf messages use here");
            }
        }
        return fields;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            Require(position < data.Length, "a varint runs past the end");
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
        throw new InvalidDataException("a varint is longer than 10 bytes");
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
            throw new InvalidDataException(problem);
    }
}
