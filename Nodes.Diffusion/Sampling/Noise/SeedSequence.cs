namespace Workflow.Nodes.Diffusion.Sampling.Noise;

/// <summary>
/// numpy's SeedSequence (numpy/random/bit_generator.pyx, numpy ≥ 1.19; after O'Neill's seed_seq_fe): entropy words
/// hashed and mixed into a pool, from which <see cref="GenerateState"/> hashes out seeds. torchsde seeds every node of
/// its Brownian trees this way, so reproducing ComfyUI's SDE noise needs the same words.
/// </summary>
public sealed class SeedSequence
{
    private const uint InitA = 0x43b0d7e5, MultA = 0x931e8875, InitB = 0x8b51f9dd, MultB = 0x58f38ded;
    private const uint MixMultL = 0xca01f9dd, MixMultR = 0x4973f715;
    private const int XShift = 16;

    private readonly uint[] _pool;

    /// <param name="entropy">A non-negative integer (numpy takes any size; seeds here are 64-bit).</param>
    /// <param name="spawnKey">numpy's spawn_key: integers, each broken into 32-bit words.</param>
    public SeedSequence(ulong entropy, IReadOnlyList<ulong> spawnKey, int poolSize)
    {
        var run = Words(entropy).ToList();
        var spawn = spawnKey.SelectMany(Words).ToList();
        // numpy 1.19 (gh-16539): with a spawn key, short entropy is padded to the pool size first.
        if (spawn.Count > 0 && run.Count < poolSize)
            run.AddRange(Enumerable.Repeat(0u, poolSize - run.Count));
        _pool = Mix(poolSize, [.. run, .. spawn]);
    }

    public uint[] GenerateState(int words)
    {
        uint hashConst = InitB;
        var state = new uint[words];
        for (int i = 0; i < words; i++)
        {
            uint value = _pool[i % _pool.Length] ^ hashConst;
            hashConst *= MultB;
            value *= hashConst;
            state[i] = value ^ (value >> XShift);
        }
        return state;
    }

    /// <summary>An integer as 32-bit words, least significant first; 0 is one word.</summary>
    private static IEnumerable<uint> Words(ulong value)
    {
        do
        {
            yield return (uint)value;
            value >>= 32;
        }
        while (value > 0);
    }

    private static uint[] Mix(int poolSize, uint[] entropy)
    {
        uint hashConst = InitA;
        var pool = new uint[poolSize];
        for (int i = 0; i < poolSize; i++)
            pool[i] = HashMix(i < entropy.Length ? entropy[i] : 0, ref hashConst);
        for (int source = 0; source < poolSize; source++)
            for (int target = 0; target < poolSize; target++)
                if (source != target)
                    pool[target] = MixWords(pool[target], HashMix(pool[source], ref hashConst));
        for (int source = poolSize; source < entropy.Length; source++)
            for (int target = 0; target < poolSize; target++)
                pool[target] = MixWords(pool[target], HashMix(entropy[source], ref hashConst));
        return pool;
    }

    private static uint HashMix(uint value, ref uint hashConst)
    {
        value ^= hashConst;
        hashConst *= MultA;
        value *= hashConst;
        return value ^ (value >> XShift);
    }

    private static uint MixWords(uint x, uint y)
    {
        uint result = MixMultL * x - MixMultR * y;
        return result ^ (result >> XShift);
    }
}
