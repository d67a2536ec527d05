using Microsoft.Extensions.Logging;
using Workflow.Host.Memory;

namespace Workflow.Host.Tests.Memory;

/// <summary>A device's memory made up in tests: the fake weights on it, plus bytes others hold.</summary>
internal sealed class FakeDeviceMemory(long totalBytes) : IDeviceMemory
{
    public List<FakeWeights> Weights { get; } = [];

    /// <summary>Bytes held on the device by something other than models (other processes, activations).</summary>
    public long OtherBytes { get; set; }

    /// <summary>Every move, in order: "A → device", "A → host".</summary>
    public List<string> Moves { get; } = [];

    public DeviceMemoryState Read()
    {
        long used = Weights.Where(w => w.OnDevice).Sum(w => w.Bytes) + OtherBytes;
        return new DeviceMemoryState(totalBytes, totalBytes - used, used, 0);
    }

    public FakeWeights Add(string name, long bytes, bool onDevice = false)
    {
        var weights = new FakeWeights(this, name, bytes) { OnDevice = onDevice };
        Weights.Add(weights);
        return weights;
    }
}

/// <summary>Weights that only record where they are; moving freed weights fails the test.</summary>
internal sealed class FakeWeights(FakeDeviceMemory device, string name, long bytes) : IOffloadable
{
    public string Name => name;
    public long Bytes => bytes;
    public bool OnDevice { get; set; }
    public bool IsAlive { get; set; } = true;

    public void MoveToDevice() => Move(true);

    public void MoveToHost() => Move(false);

    private void Move(bool toDevice)
    {
        Assert.True(IsAlive, $"{name} was moved after it was freed");
        Assert.NotEqual(toDevice, OnDevice);
        OnDevice = toDevice;
        device.Moves.Add($"{name} → {(toDevice ? "device" : "host")}");
    }

    public override string ToString() => name;
}

/// <summary>Keeps the warnings a component logs.</summary>
internal sealed class WarningLog : ILogger<ModelMemory>
{
    public List<string> Warnings { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Warning)
            Warnings.Add(formatter(state, exception));
    }
}
