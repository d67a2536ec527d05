namespace Workflow.Torch.IO;

/// <summary>One tensor of a safetensors file: its name, dtype, shape and byte range within the data section.</summary>
public sealed record SafeTensorsEntry(string Name, ScalarType Dtype, long[] Shape, long Begin, long End) : TensorEntry(Name, Dtype, Shape)
{
    public long ByteLength => End - Begin;
}
