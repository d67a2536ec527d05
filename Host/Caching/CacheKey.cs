namespace Workflow.Host.Caching;

/// <summary>
/// What identifies a node's output: a 128-bit hash of its class, fingerprint, literal inputs and the keys of its
/// upstream outputs (a Merkle key, so building all keys is linear in the graph).
/// </summary>
public readonly record struct CacheKey(UInt128 Hash)
{
    public override string ToString() => Hash.ToString("x32");
}
