namespace Workflow.Torch.IO;

/// <summary>A safetensors file that cannot be read as it claims: the message names the file and, where one is at fault, the tensor.</summary>
public sealed class SafeTensorsException(string path, string? tensor, string problem)
    : FormatException(tensor is null ? $"{path}: {problem}" : $"{path}: tensor '{tensor}': {problem}")
{
    public string FilePath { get; } = path;

    public string? TensorName { get; } = tensor;
}
