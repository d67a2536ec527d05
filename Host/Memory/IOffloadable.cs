namespace Workflow.Host.Memory;

/// <summary>
/// One set of weights <see cref="ModelMemory"/> moves between the device and the CPU (a model's module in the host,
/// a fake in tests). Implementations are compared by reference: one instance per set of weights.
/// </summary>
public interface IOffloadable
{
    /// <summary>The bytes the weights take on the device.</summary>
    long Bytes { get; }

    bool OnDevice { get; }

    /// <summary>False once the weights were freed (their value was dropped from the cache): the manager forgets them.</summary>
    bool IsAlive { get; }

    void MoveToDevice();

    void MoveToHost();
}
