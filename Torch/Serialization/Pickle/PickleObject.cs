namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// An instance of an inert allowed class (the Lightning and numpy stand-ins ComfyUI allows in old .ckpt files):
/// its constructor arguments and BUILD state are kept as data; no code of the class exists here to run.
/// </summary>
public sealed class PickleObject(PickleGlobal type, PickleTuple arguments)
{
    public PickleGlobal Type { get; } = type;

    public PickleTuple Arguments { get; } = arguments;

    public object? State { get; internal set; }

    public override string ToString() => $"{Type} instance";
}
