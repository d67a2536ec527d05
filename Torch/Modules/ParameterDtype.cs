namespace Workflow.Torch.Modules;

/// <summary>
/// The dtype modules create their parameters in (the uninitialised ones a checkpoint then fills) for the current flow
/// of execution: float32, or what <see cref="Use"/> sets while a loader builds a model. The weights are then created
/// at their final dtype, as diffusers' torch_dtype does, and a checkpoint stored in that dtype is mapped instead of
/// copied, or converted in one pass. It is scoped to the async flow (and what that flow starts), unlike a process-wide
/// default dtype, so a model built for one prompt changes nothing another prompt builds at the same time.
/// </summary>
public static class ParameterDtype
{
    private static readonly AsyncLocal<ScalarType?> Scoped = new();

    public static ScalarType Current => Scoped.Value ?? ScalarType.Float32;

    /// <summary>Modules built until the returned scope is disposed create their parameters in <paramref name="dtype"/>.</summary>
    public static IDisposable Use(ScalarType dtype)
    {
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"parameters are floating point: {dtype} is not", nameof(dtype));
        var outer = Scoped.Value;
        Scoped.Value = dtype;
        return new Restore(outer);
    }

    private sealed class Restore(ScalarType? outer) : IDisposable
    {
        public void Dispose() => Scoped.Value = outer;
    }
}
