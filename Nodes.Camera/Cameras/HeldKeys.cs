namespace Workflow.Nodes.Camera.Cameras;

/// <summary>The keys an action-string segment holds down for its frames (SANA-WM's DSL letters).</summary>
[Flags]
internal enum HeldKeys
{
    None = 0,
    W = 1 << 0,
    A = 1 << 1,
    S = 1 << 2,
    D = 1 << 3,
    I = 1 << 4,
    J = 1 << 5,
    K = 1 << 6,
    L = 1 << 7,
}

internal static class HeldKeysExtensions
{
    /// <summary>1 when <paramref name="key"/> is held, else 0: upstream's <c>(speed if "w" in held else 0.0)</c>.</summary>
    public static double Is(this HeldKeys held, HeldKeys key) => (held & key) != 0 ? 1.0 : 0.0;

    /// <summary>
    /// <paramref name="speed"/> when <paramref name="key"/> is held, else 0 — the factor itself, not 1 × speed, so the
    /// arithmetic stays upstream's <c>(r if "i" in held else 0.0) - (r if "k" in held else 0.0)</c>.
    /// </summary>
    public static double Step(this HeldKeys held, HeldKeys key, double speed) => (held & key) != 0 ? speed : 0.0;
}
