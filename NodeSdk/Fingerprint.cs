namespace Workflow.NodeSdk;

/// <summary>
/// Lets a node say whether its output can change although its inputs did not (ComfyUI's IS_CHANGED),
/// for example because a file it reads changed. The fingerprint joins the cache key.
/// </summary>
public interface IFingerprint
{
    /// <summary>Called once per run with the node's literal inputs (linked inputs are absent).</summary>
    Fingerprint GetFingerprint(InputValues literals, NodePaths paths);
}

/// <summary>A value mixed into a node's cache key, or the instruction to re-run the node every time.</summary>
public readonly record struct Fingerprint
{
    private Fingerprint(string? value, bool alwaysRerun) => (Value, AlwaysRerun) = (value, alwaysRerun);

    public string? Value { get; }

    /// <summary>Never cached: the node and everything downstream of it run on every prompt.</summary>
    public bool AlwaysRerun { get; }

    public static Fingerprint Of(string value) => new(value, false);

    public static Fingerprint Rerun { get; } = new(null, true);

    /// <summary>A file's identity: its length and last write time (cheap; hash the content where that matters).</summary>
    public static Fingerprint OfFile(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? Of($"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}") : Of($"{info.FullName}|missing");
    }
}
