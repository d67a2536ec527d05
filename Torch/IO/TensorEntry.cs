namespace Workflow.Torch.IO;

/// <summary>One tensor of a tensor file, by name: its dtype and shape, known before anything is read.</summary>
public record TensorEntry(string Name, ScalarType Dtype, long[] Shape)
{
    public sealed override string ToString() => $"{Name}: {Dtype.ToTorchString()} [{string.Join(", ", Shape)}]";
}
