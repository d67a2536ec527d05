namespace Workflow.Torch.Modules;

/// <summary>A checkpoint tensor whose shape is not the one the module declares.</summary>
public sealed record ShapeMismatch(string Key, long[] Expected, long[] Actual)
{
    public override string ToString() =>
        $"{Key}: the module expects [{string.Join(", ", Expected)}], the checkpoint has [{string.Join(", ", Actual)}]";
}
