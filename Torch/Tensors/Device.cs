namespace Workflow.Torch;

/// <summary>Device kinds, numbered as c10::DeviceType.</summary>
public enum DeviceType
{
    CPU = 0,
    CUDA = 1,
}

/// <summary>Where a tensor lives: <c>cpu</c> or <c>cuda:N</c>. Index -1 is "the current device" (<c>cuda</c>).</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    public static Device CPU { get; } = new(DeviceType.CPU);

    public static Device CUDA(int index = 0) => new(DeviceType.CUDA, index);

    /// <summary>
    /// <see cref="Index"/> with the current device (-1) read as device 0, the number a CUDA call takes: the host never
    /// changes the current device, so 0 is the one -1 names.
    /// </summary>
    public int ResolvedIndex => Math.Max(Index, 0);

    /// <summary>Parses PyTorch's spelling: <c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>.</summary>
    public static Device Parse(string text)
    {
        var (kind, index) = text.IndexOf(':') is var colon and >= 0
            ? (text[..colon], int.Parse(text[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            : (text, -1);
        return kind switch
        {
            "cpu" when index <= 0 => CPU,
            "cuda" when index >= -1 => new Device(DeviceType.CUDA, index),
            _ => throw new FormatException($"'{text}' is not a device (expected cpu, cuda or cuda:N)"),
        };
    }

    public override string ToString() => Type switch
    {
        DeviceType.CPU => "cpu",
        _ when Index < 0 => Type.ToString().ToLowerInvariant(),
        _ => $"{Type.ToString().ToLowerInvariant()}:{Index}",
    };
}
