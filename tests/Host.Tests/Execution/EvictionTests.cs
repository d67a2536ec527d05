using Workflow.Host.Caching;
using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Execution;

/// <summary>The cache stays within its byte budget, least recently used first, and frees what it drops once no prompt needs it.</summary>
public sealed class EvictionTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly], new CacheBudget(HostBytes: 1000, DeviceBytes: 1000));
    private readonly string _prefix = Guid.NewGuid().ToString("N");

    public void Dispose() => _test.Dispose();

    private string Tag(string name) => $"{_prefix}-{name}";

    /// <summary>A blob and a consumer; a new <paramref name="label"/> makes the consumer new while the blob stays the same.</summary>
    private Host.Execution.ExecutionResult RunBlob(string name, long bytes = 400, string label = "") => _test.Run($$$"""
        {"1": {"class_type": "TestBlob", "inputs": {"tag": "{{{Tag(name)}}}", "bytes": {{{bytes}}}}},
         "2": {"class_type": "TestBlobOutput", "inputs": {"blob": ["1", 0], "label": "{{{label}}}"}}
        }
        """);

    [Fact]
    public void Least_recently_used_entries_are_evicted_when_over_budget_and_disposed()
    {
        RunBlob("a");
        RunBlob("b");
        Assert.Empty(RunBlob("a").Executed);          // a is now more recent than b
        RunBlob("c");                                  // 3 x 400 > 1000: b goes
        Assert.True(Blob.Find(Tag("b")).IsDisposed);
        Assert.False(Blob.Find(Tag("a")).IsDisposed);
        Assert.False(Blob.Find(Tag("c")).IsDisposed);
        Assert.Equal(["2"], TestEngine.Ids(RunBlob("a", label: "!").Executed));    // the blob itself still cached
        Assert.Equal(["1", "2"], TestEngine.Ids(RunBlob("b", label: "!").Executed));
        Assert.True(_test.Engine.Cache.Statistics.HostBytes <= 1000);
    }

    [Fact]
    public void Value_larger_than_the_budget_lives_until_its_prompt_is_done()
    {
        var result = RunBlob("huge", bytes: 5000);
        Assert.Equal(Host.Execution.ExecutionStatus.Succeeded, result.Status);   // the consumer saw it undisposed
        Assert.True(Blob.Find(Tag("huge")).IsDisposed);
        Assert.Equal(0, _test.Engine.Cache.Statistics.HostBytes);
        Assert.Equal(["1", "2"], TestEngine.Ids(RunBlob("huge", bytes: 5000, label: "!").Executed));
    }

    [Fact]
    public void Clearing_the_cache_disposes_everything_it_held()
    {
        RunBlob("x");
        _test.Engine.Cache.Clear();
        Assert.True(Blob.Find(Tag("x")).IsDisposed);
        Assert.Equal(0, _test.Engine.Leases.LiveCount);
    }
}
